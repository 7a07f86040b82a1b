package io.headroom.cache;

import java.util.Map;
import java.util.Set;

/**
 * Loads many values at once for {@link TieredCache#getAll}: it is called once with every key that
 * missed both tiers. Keys absent from the returned map are "not found".
 *
 * <p>Must be thread-safe.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface BulkLoader<K, V> {
  /**
   * Loads the values of {@code keys}.
   *
   * @return the values found; keys not in the map do not exist (extra keys are ignored)
   * @throws Exception if the values could not be loaded
   */
  Map<K, V> loadAll(Set<K> keys) throws Exception;
}
