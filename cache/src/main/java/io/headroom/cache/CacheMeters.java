package io.headroom.cache;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The counters of one cache: plain {@link LongAdder}s updated inline (no allocation), exposed to
 * Micrometer as function meters registered once at build time.
 */
final class CacheMeters {
  final LongAdder l1Hits = new LongAdder();
  final LongAdder l1Misses = new LongAdder();
  final LongAdder l2Hits = new LongAdder();
  final LongAdder l2Misses = new LongAdder();
  final LongAdder loadSuccess = new LongAdder();
  final LongAdder loadSuccessNanos = new LongAdder();
  final LongAdder loadNotFound = new LongAdder();
  final LongAdder loadNotFoundNanos = new LongAdder();
  final LongAdder loadFailure = new LongAdder();
  final LongAdder loadFailureNanos = new LongAdder();
  final LongAdder puts = new LongAdder();
  final LongAdder evictions = new LongAdder();
  final LongAdder l2Failures = new LongAdder();
  final LongAdder l2NotPermitted = new LongAdder();
  final LongAdder invalidationsReceived = new LongAdder();

  void register(@Nullable MeterRegistry registry, String name, boolean l1, LongSupplier size) {
    if (registry == null) {
      return;
    }
    if (l1) {
      gets(registry, name, "l1", "hit", l1Hits);
      gets(registry, name, "l1", "miss", l1Misses);
      Gauge.builder("cache.size", size, s -> s.getAsLong())
          .tag("cache", name)
          .strongReference(true)
          .description("Estimated number of entries in L1")
          .register(registry);
    }
    gets(registry, name, "l2", "hit", l2Hits);
    gets(registry, name, "l2", "miss", l2Misses);
    load(registry, name, "success", loadSuccess, loadSuccessNanos);
    load(registry, name, "not_found", loadNotFound, loadNotFoundNanos);
    load(registry, name, "failure", loadFailure, loadFailureNanos);
    counter(registry, "cache.puts", name, puts, "Values stored by put or by a load");
    counter(registry, "cache.evictions", name, evictions, "L1 entries evicted (size or expiry)");
    FunctionCounter.builder("cache.l2.errors", l2Failures, LongAdder::sum)
        .tags("cache", name, "cause", "failure")
        .description("Redis calls that failed")
        .register(registry);
    FunctionCounter.builder("cache.l2.errors", l2NotPermitted, LongAdder::sum)
        .tags("cache", name, "cause", "breaker_open")
        .description("Redis calls skipped because the breaker was open")
        .register(registry);
    counter(
        registry,
        "cache.invalidations.received",
        name,
        invalidationsReceived,
        "Invalidation messages received from other nodes");
  }

  private static void gets(
      MeterRegistry registry, String name, String tier, String result, LongAdder adder) {
    FunctionCounter.builder("cache.gets", adder, LongAdder::sum)
        .tags("cache", name, "tier", tier, "result", result)
        .description("Cache reads per tier and result")
        .register(registry);
  }

  private static void load(
      MeterRegistry registry, String name, String result, LongAdder count, LongAdder nanos) {
    FunctionTimer.builder(
            "cache.loads", count, LongAdder::sum, a -> nanos.sum(), TimeUnit.NANOSECONDS)
        .tags("cache", name, "result", result)
        .description("Loader calls and their duration")
        .register(registry);
  }

  private static void counter(
      MeterRegistry registry, String meter, String name, LongAdder adder, String description) {
    FunctionCounter.builder(meter, adder, LongAdder::sum)
        .tag("cache", name)
        .description(description)
        .register(registry);
  }
}
