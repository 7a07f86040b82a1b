package io.headroom.cache;

import io.headroom.core.HeadroomException;
import org.jspecify.annotations.Nullable;

/** A value could not be encoded for, or decoded from, Redis. */
public class CacheCodecException extends HeadroomException {
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
