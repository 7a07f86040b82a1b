package io.headroom.breaker;

import java.time.Duration;

/**
 * Thrown (or handed to a fallback) when a breaker does not permit a call. It is stackless: it
 * signals an expected outcome on a hot path and costs no stack walk.
 *
 * <pre>{@code
 * try {
 *   return breaker.call(() -> client.charge(order));
 * } catch (BreakerOpenException e) {
 *   return Response.unavailable(e.retryAfter());
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class BreakerOpenException extends BreakerException {
  private static final long serialVersionUID = 1L;

  private final Duration retryAfter;

  /**
   * Creates the exception.
   *
   * @param name the breaker's name
   * @param retryAfter how long until the breaker lets a trial call through ({@link Duration#ZERO}
   *     if a trial is due now, or if the breaker is forced open and the time is unknown)
   */
  public BreakerOpenException(String name, Duration retryAfter) {
    super(name, null);
    this.retryAfter = retryAfter;
  }

  /** How long until the breaker lets a trial call through; never negative. */
  public Duration retryAfter() {
    return retryAfter;
  }

  /** Built on demand, so that rejections whose message is never read cost no string. */
  @Override
  public String getMessage() {
    return "breaker '" + name() + "' is open; next trial in " + retryAfter;
  }
}
