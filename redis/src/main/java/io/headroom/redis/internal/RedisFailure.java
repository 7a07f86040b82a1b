package io.headroom.redis.internal;

import io.headroom.core.MeterConventions;
import io.headroom.redis.RedisCommandException;
import io.headroom.redis.RedisTimeoutException;
import io.headroom.redis.RedisUnavailableException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one mapping from a failed Redis call to the {@code cause} tag of a module's error counter
 * ({@link MeterConventions}), shared by every module that counts Redis failures. Modules keep one
 * counter per constant, in an array indexed by {@link #index()}. Not API.
 */
public enum RedisFailure {
  /** {@link RedisTimeoutException}: no answer in time (the command may have run). */
  TIMEOUT(0, MeterConventions.CAUSE_TIMEOUT),
  /** {@link RedisUnavailableException}: not connected, queue full, connection lost. */
  UNAVAILABLE(1, MeterConventions.CAUSE_UNAVAILABLE),
  /** {@link RedisCommandException}: the server answered with an error. */
  COMMAND(2, MeterConventions.CAUSE_COMMAND),
  /** Anything else. */
  OTHER(3, MeterConventions.CAUSE_OTHER);

  /** How many constants there are: the size of an array indexed by {@link #index()}. */
  public static final int COUNT = 4;

  private final int index;
  private final String cause;

  RedisFailure(int index, String cause) {
    this.index = index;
    this.cause = cause;
  }

  /** This constant's place, from 0 to {@link #COUNT} - 1, in a module's array of counters. */
  public int index() {
    return index;
  }

  /** The value of the {@code cause} tag. */
  public String cause() {
    return cause;
  }

  /**
   * The failure {@code error} is, after unwrapping {@code CompletionException}/{@code
   * ExecutionException}.
   */
  public static RedisFailure of(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof RedisTimeoutException) {
      return TIMEOUT;
    }
    if (t instanceof RedisUnavailableException) {
      return UNAVAILABLE;
    }
    return t instanceof RedisCommandException ? COMMAND : OTHER;
  }
}
