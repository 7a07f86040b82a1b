package io.headroom.redis;

import org.jspecify.annotations.Nullable;

/** The server answered with an error, such as a Lua runtime error or {@code WRONGTYPE}. */
public final class RedisCommandException extends RedisException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message the command and the server's error
   * @param cause the client's exception, or {@code null}
   */
  public RedisCommandException(String message, @Nullable Throwable cause) {
    super(message, false, cause);
  }
}
