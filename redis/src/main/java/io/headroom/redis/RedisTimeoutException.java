package io.headroom.redis;

import org.jspecify.annotations.Nullable;

/**
 * No answer within the command timeout. The outcome is ambiguous: the command may have run, so
 * headroom never retries it.
 */
public final class RedisTimeoutException extends RedisException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what timed out
   * @param cause the client's exception, or {@code null}
   */
  public RedisTimeoutException(String message, @Nullable Throwable cause) {
    super(message, true, cause);
  }
}
