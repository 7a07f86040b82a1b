package io.headroom.cache;

import com.github.benmanes.caffeine.cache.Cache;
import org.jspecify.annotations.Nullable;

/**
 * An L1 entry: the value ({@code null} is a cached "not found"), its own jittered expiry, and how
 * long the value took to load (XFetch's delta). Immutable.
 */
final class Entry<V> {
  final @Nullable V value;
  final long expiresAt;
  final long deltaNanos;

  Entry(@Nullable V value, long expiresAt, long deltaNanos) {
    this.value = value;
    this.expiresAt = expiresAt;
    this.deltaNanos = deltaNanos;
  }

  /**
   * Whether this entry, just returned by Caffeine, has not reached its own (jittered) expiry.
   * Caffeine read {@code clock} to check its fixed expiry; {@link L1Clock#recent()} is within
   * {@link L1Clock#RESOLUTION} of that reading, so only an entry in its last millisecond needs a
   * second clock read. Same answer as {@code clock.read() < expiresAt}.
   */
  boolean isLive(L1Clock clock) {
    long at = expiresAt;
    return at - clock.recent() >= L1Clock.RESOLUTION || clock.read() < at;
  }

  /**
   * The live entry of {@code key} in {@code l1}, or null; an entry past its own expiry is removed
   * and counted as an eviction. L1 holds entries up to the jitter's upper bound, so each entry's
   * own expiry is checked here, on read.
   */
  static <K, V> @Nullable Entry<V> live(
      Cache<K, Entry<V>> l1, K key, L1Clock clock, CacheMeters meters) {
    Entry<V> e = l1.getIfPresent(key);
    if (e == null || e.isLive(clock)) {
      return e;
    }
    expire(l1, key, e, meters);
    return null;
  }

  /** Removes {@code e}, past its own expiry, unless it was replaced meanwhile. */
  static <K, V> void expire(Cache<K, Entry<V>> l1, K key, Entry<V> e, CacheMeters meters) {
    if (l1.asMap().remove(key, e)) {
      meters.evictions.increment();
    }
  }
}
