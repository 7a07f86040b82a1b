package io.headroom.idgen.redis;

/**
 * Where worker-ID leases live: Redis in production ({@code RedisLeaseStore}), a map in unit tests.
 * Every operation is one atomic step on the store's side.
 */
interface LeaseStore {

  /**
   * Claims the first free worker ID in {@code [0, maxWorkerId]}, scanning from {@code start} and
   * wrapping around, for {@code holder} with a TTL.
   *
   * @return the ID (or -1 if all are taken) and how long to wait before using it
   */
  Claim claim(long maxWorkerId, long start, String holder, long ttlMillis);

  /** Extends {@code holder}'s lease, or re-takes the ID if its key has vanished and it is free. */
  Renewal renew(long workerId, String holder, long ttlMillis);

  /**
   * Releases {@code holder}'s lease: the key keeps a placeholder for {@code cooldownMillis} (none
   * when 0) so that no one re-uses the ID within the clock skew between hosts.
   */
  void release(long workerId, String holder, long cooldownMillis);

  /** The store's name for the lease of {@code workerId}, for messages (a Redis key). */
  String describe(long workerId);

  /**
   * The outcome of a claim.
   *
   * @param workerId the claimed ID, or -1 when every ID is taken
   * @param waitMillis how long the claimer must wait before issuing IDs: non-zero when the store
   *     lost its leases recently (a Redis restart without persistence) and a previous holder of the
   *     ID may still be issuing until its own lease deadline
   */
  record Claim(long workerId, long waitMillis) {}

  /** The outcome of a renewal. */
  enum Renewal {
    /** The lease was still ours and now runs a full TTL from the renewal. */
    RENEWED,
    /** The key had vanished (expired or lost); the ID was free and is ours again. */
    RECLAIMED,
    /** Another holder has the ID: this lease is lost for good. */
    TAKEN
  }
}
