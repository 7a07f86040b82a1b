package io.headroom.ratelimit;

import io.headroom.core.HeadroomException;
import org.jspecify.annotations.Nullable;

/**
 * The root of the failures headroom-ratelimit reports as exceptions, so a caller can catch the
 * module's failures in one place. A decision is never one: denials and Redis outages are {@link
 * Decision} values, and bad arguments are {@link IllegalArgumentException} or {@link
 * NullPointerException}. Subclasses are final.
 *
 * <p>Immutable and safe to share between threads.
 */
public class RateLimitException extends HeadroomException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong
   */
  public RateLimitException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong
   * @param cause the underlying failure
   */
  public RateLimitException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /**
   * Creates an exception that may skip its stack trace, for a hot path that signals an expected
   * outcome.
   *
   * @param message what went wrong
   * @param cause the underlying failure, if any
   * @param writableStackTrace {@code false} for a stackless exception
   */
  protected RateLimitException(
      String message, @Nullable Throwable cause, boolean writableStackTrace) {
    super(message, cause, writableStackTrace);
  }
}
