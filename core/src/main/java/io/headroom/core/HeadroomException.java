package io.headroom.core;

import org.jspecify.annotations.Nullable;

/**
 * The root of every domain failure headroom throws. It is unchecked; checked exceptions thrown by
 * user code (loaders, fallbacks) are wrapped with their cause kept.
 *
 * <p>Instances are immutable once thrown and safe to share between threads.
 */
public class HeadroomException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong, naming the setting or value involved
   */
  public HeadroomException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong
   * @param cause the underlying failure, kept for the stack trace
   */
  public HeadroomException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /**
   * Creates an exception that may skip filling its stack trace, for hot paths that signal an
   * expected outcome (an open breaker, an exhausted limit) and must not pay for a stack walk.
   *
   * @param message what went wrong
   * @param cause the underlying failure, if any
   * @param writableStackTrace {@code false} for a stackless exception
   */
  protected HeadroomException(
      String message, @Nullable Throwable cause, boolean writableStackTrace) {
    super(message, cause, false, writableStackTrace);
  }
}
