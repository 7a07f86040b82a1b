package io.headroom.idgen;

import org.jspecify.annotations.Nullable;

/**
 * Thrown by {@link IdGenerator#nextId()} (through {@link WorkerLease#ensureHeld()}) when a leased
 * worker ID could not be renewed in time: the generator stops issuing IDs before the lease can
 * lapse, so that no other process can be handed the same worker ID while this one still uses it.
 * Stackless, since it is thrown on the hot path.
 *
 * <p>Immutable and safe to share between threads.
 */
public final class WorkerLeaseLostException extends IdGeneratorException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which worker ID, and why the lease is no longer safe to use
   * @param cause the last renewal failure, if any
   */
  public WorkerLeaseLostException(String message, @Nullable Throwable cause) {
    super(message, cause, false);
  }
}
