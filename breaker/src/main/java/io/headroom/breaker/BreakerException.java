package io.headroom.breaker;

import io.headroom.core.HeadroomException;
import org.jspecify.annotations.Nullable;

/**
 * The root of the failures a breaker signals itself: {@link BreakerOpenException} (the call was not
 * permitted) and {@link BreakerTimeoutException} (an asynchronous call did not complete in time).
 * Catch it to handle both; exceptions thrown by the guarded call reach the caller unchanged.
 *
 * <p>Immutable and thread-safe.
 */
public abstract class BreakerException extends HeadroomException {
  private static final long serialVersionUID = 1L;

  private final String name;

  /**
   * Creates a stackless exception for the breaker {@code name}.
   *
   * @param name the breaker's name
   * @param cause the underlying failure, if any
   */
  BreakerException(String name, @Nullable Throwable cause) {
    super("", cause, false);
    this.name = name;
  }

  /** The name of the breaker that signalled it. */
  public String name() {
    return name;
  }
}
