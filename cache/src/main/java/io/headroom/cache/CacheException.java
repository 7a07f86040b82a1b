package io.headroom.cache;

import io.headroom.core.HeadroomException;
import org.jspecify.annotations.Nullable;

/**
 * The root of the failures headroom-cache reports: a loader that threw a checked exception ({@link
 * CacheLoadException}) and a value that could not be encoded or decoded ({@link
 * CacheCodecException}). A Redis failure is never one of them: the cache treats it as a miss.
 *
 * <p>Immutable and safe to share between threads.
 */
public class CacheException extends HeadroomException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong, naming the cache
   * @param cause the underlying failure, if any
   */
  public CacheException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
