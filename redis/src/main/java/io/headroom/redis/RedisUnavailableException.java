package io.headroom.redis;

import org.jspecify.annotations.Nullable;

/**
 * Redis cannot be reached: not connected (commands are rejected at once rather than queued), the
 * request queue is full, or the connection dropped. Thrown without waiting for a timeout.
 */
public final class RedisUnavailableException extends RedisException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what could not be reached, already free of secrets
   * @param mayHaveExecuted true when the connection dropped with the command in flight
   * @param cause the client's exception, or {@code null}
   */
  public RedisUnavailableException(
      String message, boolean mayHaveExecuted, @Nullable Throwable cause) {
    super(message, mayHaveExecuted, cause);
  }
}
