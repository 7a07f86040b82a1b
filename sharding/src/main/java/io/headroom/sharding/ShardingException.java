package io.headroom.sharding;

import io.headroom.core.HeadroomException;
import org.jspecify.annotations.Nullable;

/**
 * The root of the failures {@code headroom-sharding} reports: a shard that cannot serve a call
 * ({@link ShardUnavailableException}), a SQL error on a shard ({@link ShardSqlException}), a
 * fan-out in which some shards failed ({@link FanOutException}). Catch it to handle every sharding
 * failure at once.
 *
 * <p>Immutable once thrown and safe to share between threads.
 */
public class ShardingException extends HeadroomException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong
   */
  public ShardingException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong
   * @param cause the underlying failure
   */
  public ShardingException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /**
   * Creates an exception that may skip its stack trace, for failures thrown at once while a shard
   * is down.
   *
   * @param message what went wrong
   * @param cause the underlying failure, if any
   * @param writableStackTrace {@code false} for a stackless exception
   */
  protected ShardingException(
      String message, @Nullable Throwable cause, boolean writableStackTrace) {
    super(message, cause, writableStackTrace);
  }
}
