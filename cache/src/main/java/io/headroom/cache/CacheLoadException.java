package io.headroom.cache;

import org.jspecify.annotations.Nullable;

/** A loader threw a checked exception; the cause is kept. Nothing was cached. */
public final class CacheLoadException extends CacheException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which cache failed to load
   * @param cause what the loader threw
   */
  public CacheLoadException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
