/**
 * {@link io.headroom.cache.TieredCache}: a Caffeine L1 over a Redis L2 over the loader, with
 * per-key single-flight, an optional distributed load lock, TTL jitter, early refresh, negative
 * caching, cross-node L1 invalidation over pub/sub, namespace invalidation by generation, and a
 * breaker that turns a failing Redis into a cache miss.
 */
@NullMarked
package io.headroom.cache;

import org.jspecify.annotations.NullMarked;
