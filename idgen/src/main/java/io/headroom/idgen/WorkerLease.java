package io.headroom.idgen;

/**
 * A worker ID held by this process, from {@link WorkerIdProvider#acquire(long)}. A static ID is
 * held forever; a leased one only while its heartbeat keeps renewing it.
 *
 * <p>Implementations must be thread-safe: {@link #ensureHeld()} is called by every {@link
 * IdGenerator#nextId()} and must be cheap (a field read and a comparison, no I/O).
 */
public interface WorkerLease extends AutoCloseable {

  /** The worker ID. */
  long workerId();

  /**
   * Returns normally while the worker ID is safely held.
   *
   * @throws WorkerLeaseLostException if the lease could not be renewed in time or was released
   */
  void ensureHeld();

  /** Releases the worker ID so another process may take it; idempotent. */
  @Override
  void close();
}
