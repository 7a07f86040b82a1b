package io.headroom.cache;

import org.jspecify.annotations.Nullable;

/**
 * Loads one value on a miss in every tier. Returning {@code null} means "not found": the cache
 * returns {@code null} and, with a {@linkplain TieredCache.Builder#negativeTtl negative TTL},
 * remembers the absence.
 *
 * <p>A checked exception is wrapped in a {@link CacheLoadException}; an unchecked one reaches the
 * caller unchanged. Must be thread-safe: different keys load concurrently.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface CacheLoader<K, V> {
  /**
   * Loads the value of {@code key}.
   *
   * @return the value, or {@code null} if there is none
   * @throws Exception if the value could not be loaded (it is not cached)
   */
  @Nullable V load(K key) throws Exception;
}
