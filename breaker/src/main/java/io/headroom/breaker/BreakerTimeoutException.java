package io.headroom.breaker;

import java.time.Duration;

/**
 * Fails (or is handed to the fallback of) an asynchronous call that did not complete within the
 * breaker's {@link BreakerConfig#callTimeout() call timeout}. The breaker records it as a failure
 * and tries to cancel the call's stage. It is stackless: it signals an expected outcome and costs
 * no stack walk.
 *
 * <p>A timeout does not mean the call failed at the dependency: it may still be running there, or
 * have succeeded. For a non-idempotent call (a payment) a fallback must answer "unknown" or
 * "pending", never success.
 *
 * <pre>{@code
 * payments.callAsync(() -> psp.chargeAsync(order), e -> e instanceof BreakerTimeoutException
 *     ? Receipt.pending(order)
 *     : Receipt.declinedForNow(order));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class BreakerTimeoutException extends BreakerException {
  private static final long serialVersionUID = 1L;

  private final Duration timeout;

  /**
   * Creates the exception.
   *
   * @param name the breaker's name
   * @param timeout the timeout that elapsed
   */
  public BreakerTimeoutException(String name, Duration timeout) {
    super(name, null);
    this.timeout = timeout;
  }

  /** The call timeout that elapsed. */
  public Duration timeout() {
    return timeout;
  }

  /** Built on demand, so that timeouts whose message is never read cost no string. */
  @Override
  public String getMessage() {
    return "call through breaker '" + name() + "' timed out after " + timeout;
  }
}
