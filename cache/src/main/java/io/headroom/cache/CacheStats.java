package io.headroom.cache;

import io.headroom.core.Checks;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one {@link TieredCache}'s counters since it was built; the same numbers feed its
 * Micrometer meters. A final class rather than a record so that a counter added later breaks no
 * caller (Caffeine's {@code CacheStats} is built the same way).
 *
 * <p>Immutable and safe to share between threads.
 */
public final class CacheStats {
  /** The names of the counters, in the order {@link #of} takes them. */
  private static final String[] COUNTERS = {
    "hits",
    "misses",
    "l1Hits",
    "l1Misses",
    "l2Hits",
    "l2Misses",
    "loadSuccesses",
    "loadsNotFound",
    "loadFailures",
    "totalLoadTimeNanos",
    "puts",
    "evictions",
    "l2Errors",
    "invalidationsReceived",
    "l1Size"
  };

  private static final CacheStats EMPTY = new CacheStats(new long[COUNTERS.length]);

  private final long[] counts;

  private CacheStats(long[] counts) {
    this.counts = counts;
  }

  /** All counters zero. */
  public static CacheStats empty() {
    return EMPTY;
  }

  /**
   * A snapshot with the given counters (for tests and decorators; a cache builds its own).
   *
   * @param hits reads answered from L1 or L2, or by a load another caller had in flight
   * @param misses reads that called the loader, or found nothing without one
   * @param l1Hits reads answered by L1 (including those that started an early refresh)
   * @param l1Misses reads L1 could not answer (0 without L1)
   * @param l2Hits reads answered by Redis
   * @param l2Misses reads Redis could not answer: absent, failing, or skipped by the open breaker
   * @param loadSuccesses loader calls that found a value (a bulk load counts once)
   * @param loadsNotFound loader calls that found nothing
   * @param loadFailures loader calls that threw
   * @param totalLoadTimeNanos time spent in loaders
   * @param puts values written by {@code put} or by a load
   * @param evictions L1 entries evicted for size or expiry
   * @param l2Errors Redis calls that failed or were rejected by the open breaker
   * @param invalidationsReceived invalidation messages received from other nodes
   * @param l1Size L1's estimated number of entries
   * @throws IllegalArgumentException if a counter is negative
   */
  public static CacheStats of(
      long hits,
      long misses,
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
    long[] counts = {
      hits,
      misses,
      l1Hits,
      l1Misses,
      l2Hits,
      l2Misses,
      loadSuccesses,
      loadsNotFound,
      loadFailures,
      totalLoadTimeNanos,
      puts,
      evictions,
      l2Errors,
      invalidationsReceived,
      l1Size
    };
    for (int i = 0; i < counts.length; i++) {
      Checks.argument(counts[i] >= 0, "%s must be >= 0: %s", COUNTERS[i], counts[i]);
    }
    return new CacheStats(counts);
  }

  /** Reads answered from L1 or L2, or by a load another caller had in flight. */
  public long hits() {
    return counts[0];
  }

  /** Reads that called the loader, or found nothing in either tier without one. */
  public long misses() {
    return counts[1];
  }

  /** Reads answered by L1 (including those that started an early refresh). */
  public long l1Hits() {
    return counts[2];
  }

  /** Reads L1 could not answer (0 without L1). */
  public long l1Misses() {
    return counts[3];
  }

  /** Reads answered by Redis. */
  public long l2Hits() {
    return counts[4];
  }

  /** Reads Redis could not answer: absent, failing, or skipped by the open breaker. */
  public long l2Misses() {
    return counts[5];
  }

  /** Loader calls that found a value (one bulk load counts once). */
  public long loadSuccesses() {
    return counts[6];
  }

  /** Loader calls that found nothing. */
  public long loadsNotFound() {
    return counts[7];
  }

  /** Loader calls that threw. */
  public long loadFailures() {
    return counts[8];
  }

  /** Time spent in loaders, in nanoseconds. */
  public long totalLoadTimeNanos() {
    return counts[9];
  }

  /** Values written by {@code put} or by a load. */
  public long puts() {
    return counts[10];
  }

  /** L1 entries evicted for size or expiry. */
  public long evictions() {
    return counts[11];
  }

  /** Redis calls that failed or were rejected by the open breaker. */
  public long l2Errors() {
    return counts[12];
  }

  /** Invalidation messages received from other nodes. */
  public long invalidationsReceived() {
    return counts[13];
  }

  /** L1's estimated number of entries. */
  public long l1Size() {
    return counts[14];
  }

  /** All loader calls. */
  public long loads() {
    return loadSuccesses() + loadsNotFound() + loadFailures();
  }

  /** {@link #hits()} over all reads ({@code hits + misses}); 1.0 when there were none. */
  public double hitRate() {
    long requests = hits() + misses();
    return requests == 0 ? 1.0 : (double) hits() / requests;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof CacheStats other && Arrays.equals(counts, other.counts);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(counts);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("CacheStats{");
    for (int i = 0; i < counts.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(COUNTERS[i]).append('=').append(counts[i]);
    }
    return sb.append('}').toString();
  }
}
