package io.headroom.cache;

/**
 * A snapshot of one {@link TieredCache}'s counters since it was built; the same numbers feed its
 * Micrometer meters.
 *
 * @param l1Hits reads answered by L1 (including those that started an early refresh)
 * @param l1Misses reads L1 could not answer (0 without L1)
 * @param l2Hits reads answered by Redis
 * @param l2Misses reads Redis could not answer: absent, failing, or skipped by the open breaker
 * @param loadSuccesses loader calls that found a value
 * @param loadsNotFound loader calls that found nothing
 * @param loadFailures loader calls that threw
 * @param totalLoadTimeNanos time spent in loaders
 * @param puts values written by {@code put} or by a load
 * @param evictions L1 entries evicted for size or expiry
 * @param l2Errors Redis calls that failed or were rejected by the open breaker
 * @param invalidationsReceived invalidation messages received from other nodes
 * @param l1Size L1's estimated number of entries
 */
public record CacheStats(
    long l1Hits,
    long l1Misses,
    long l2Hits,
    long l2Misses,
    long loadSuccesses,
    long loadsNotFound,
    long loadFailures,
    long totalLoadTimeNanos,
    long puts,
    long evictions,
    long l2Errors,
    long invalidationsReceived,
    long l1Size) {

  /** All loader calls. */
  public long loads() {
    return loadSuccesses + loadsNotFound + loadFailures;
  }

  /** Reads answered by L1 or L2, over all reads; 1.0 when there were none. */
  public double hitRate() {
    long requests = l1Hits + l1Misses;
    long hits = l1Hits + l2Hits;
    if (requests == 0) {
      requests = l2Hits + l2Misses;
    }
    return requests == 0 ? 1.0 : (double) hits / requests;
  }
}
