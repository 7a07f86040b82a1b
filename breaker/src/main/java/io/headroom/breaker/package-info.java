/**
 * Circuit breakers with fallbacks, per-dependency presets and resilience4j-compatible metrics.
 *
 * <pre>{@code
 * BreakerRegistry breakers = BreakerRegistry.builder().meterRegistry(meters).build();
 * Breaker db = breakers.breaker("orders-db", BreakerPreset.DATABASE);
 * Order o = db.call(() -> dao.find(id), failure -> Order.unavailable(id));
 * }</pre>
 *
 * <p>The engine (resilience4j) is an implementation detail: no resilience4j type appears in this
 * package's public signatures.
 */
@NullMarked
package io.headroom.breaker;

import org.jspecify.annotations.NullMarked;
