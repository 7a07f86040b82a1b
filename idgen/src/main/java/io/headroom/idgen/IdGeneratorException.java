package io.headroom.idgen;

import io.headroom.core.HeadroomException;
import org.jspecify.annotations.Nullable;

/**
 * The root of the failures an {@link IdGenerator} or a {@link WorkerIdProvider} reports: the clock
 * moved backwards too far, the worker lease was lost, no worker ID is free, the timestamp
 * overflowed.
 *
 * <p>Immutable and safe to share between threads.
 */
public class IdGeneratorException extends HeadroomException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong
   */
  public IdGeneratorException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong
   * @param cause the underlying failure
   */
  public IdGeneratorException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /**
   * Creates an exception that may skip its stack trace, for failures thrown from {@link
   * IdGenerator#nextId()}.
   *
   * @param message what went wrong
   * @param cause the underlying failure, if any
   * @param writableStackTrace {@code false} for a stackless exception
   */
  protected IdGeneratorException(
      String message, @Nullable Throwable cause, boolean writableStackTrace) {
    super(message, cause, writableStackTrace);
  }
}
