package io.headroom.cache;

/**
 * The engine's one test seam: callbacks at the points a test must stop at to stage a race. Set
 * through the package-private {@code TieredCache.Builder#hooks} and held in a final field, so the
 * engine pays no volatile read for it; never called on an L1 hit. Production caches use {@link
 * #NONE}.
 */
interface Hooks {
  /** No callbacks. */
  Hooks NONE = new Hooks() {};

  /** A fill read L2 and has not yet stored what it found in L1. */
  default void afterL2Read(Object key) {}

  /** A caller found a load of {@code key} in flight and is about to wait for it. */
  default void beforeJoin(Object key) {}
}
