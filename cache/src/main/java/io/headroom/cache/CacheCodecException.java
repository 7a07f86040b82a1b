package io.headroom.cache;

import org.jspecify.annotations.Nullable;

/** A value could not be encoded for, or decoded from, Redis. */
public final class CacheCodecException extends CacheException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what could not be converted
   * @param cause the codec's failure
   */
  public CacheCodecException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
