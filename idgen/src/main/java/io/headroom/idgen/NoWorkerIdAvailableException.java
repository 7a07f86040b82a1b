package io.headroom.idgen;

import org.jspecify.annotations.Nullable;

/**
 * Thrown by {@link WorkerIdProvider#acquire(long)} when no worker ID can be had: every ID of the
 * layout is leased by a live process, or the configured ID is missing or out of range.
 *
 * <p>Immutable and safe to share between threads.
 */
public final class NoWorkerIdAvailableException extends IdGeneratorException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message why no worker ID is available and what to do about it
   * @param cause the underlying failure, if any
   */
  public NoWorkerIdAvailableException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
