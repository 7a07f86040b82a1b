package io.headroom.redis;

import io.headroom.core.HeadroomException;
import org.jspecify.annotations.Nullable;

/**
 * A Redis command that did not give an answer. Messages never carry a password.
 *
 * <p>{@link #mayHaveExecuted()} tells whether the server may have run the command anyway: true
 * after a timeout or a connection lost in flight, false when the command was never sent or the
 * server answered with an error. Callers must not blindly retry a non-idempotent command when it is
 * true.
 */
public class RedisException extends HeadroomException {
  private static final long serialVersionUID = 1L;

  private final boolean mayHaveExecuted;

  /**
   * Creates the exception.
   *
   * @param message what failed, already free of secrets
   * @param mayHaveExecuted whether the server may have run the command
   * @param cause the client's exception, or {@code null}
   */
  public RedisException(String message, boolean mayHaveExecuted, @Nullable Throwable cause) {
    super(message, cause);
    this.mayHaveExecuted = mayHaveExecuted;
  }

  /** Whether the server may have executed the command although no answer arrived. */
  public boolean mayHaveExecuted() {
    return mayHaveExecuted;
  }
}
