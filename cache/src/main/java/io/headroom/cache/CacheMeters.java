package io.headroom.cache;

import io.headroom.core.MeterConventions;
import io.headroom.redis.internal.RedisFailure;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The counters of one cache: plain {@link LongAdder}s updated inline (no allocation), exposed to
 * Micrometer as function meters registered once at build time, and nowhere without a registry.
 *
 * <p>Two families (cache/README.md explains why): Micrometer's standard cache meters ({@code
 * cache.gets}, {@code cache.puts}, {@code cache.evictions}, {@code cache.size}) with exactly the
 * tag keys Spring Boot gives a Caffeine cache ({@code cache}, {@code cache.manager}, {@code name}),
 * so both fit in one Prometheus registry and Boot's dashboards read headroom caches; and headroom's
 * own names for what has no standard meter (per tier, the loader, L2 errors, invalidations), tagged
 * {@code name} as every headroom meter is.
 */
final class CacheMeters {
  /** The {@code cache.manager} tag of the standard meters of every {@link TieredCache}. */
  static final String CACHE_MANAGER = "headroom";

  final LongAdder l1Hits = new LongAdder();
  final LongAdder l1Misses = new LongAdder();
  final LongAdder l2Hits = new LongAdder();
  final LongAdder l2Misses = new LongAdder();

  /** Reads answered by a load another caller had in flight. */
  final LongAdder sharedHits = new LongAdder();

  /** Reads that called the loader or found nothing. */
  final LongAdder misses = new LongAdder();

  final LongAdder loadSuccess = new LongAdder();
  final LongAdder loadSuccessNanos = new LongAdder();
  final LongAdder loadNotFound = new LongAdder();
  final LongAdder loadNotFoundNanos = new LongAdder();
  final LongAdder loadFailure = new LongAdder();
  final LongAdder loadFailureNanos = new LongAdder();
  final LongAdder puts = new LongAdder();
  final LongAdder evictions = new LongAdder();
  final LongAdder l2BreakerOpen = new LongAdder();

  /** Failed Redis calls, one adder per {@link RedisFailure}, by index. */
  final LongAdder[] l2Failures = newAdders(RedisFailure.COUNT);

  final LongAdder invalidationsReceived = new LongAdder();

  /** Counts a failed Redis call under its cause. */
  void l2Failed(Throwable error) {
    l2Failures[RedisFailure.of(error).index()].increment();
  }

  private static LongAdder[] newAdders(int n) {
    LongAdder[] adders = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      adders[i] = new LongAdder();
    }
    return adders;
  }

  long hits() {
    return l1Hits.sum() + l2Hits.sum() + sharedHits.sum();
  }

  long l2Errors() {
    long sum = l2BreakerOpen.sum();
    for (LongAdder a : l2Failures) {
      sum += a.sum();
    }
    return sum;
  }

  long loadNanos() {
    return loadSuccessNanos.sum() + loadNotFoundNanos.sum() + loadFailureNanos.sum();
  }

  CacheStats snapshot(long l1Size) {
    return CacheStats.of(
        hits(),
        misses.sum(),
        l1Hits.sum(),
        l1Misses.sum(),
        l2Hits.sum(),
        l2Misses.sum(),
        loadSuccess.sum(),
        loadNotFound.sum(),
        loadFailure.sum(),
        loadNanos(),
        puts.sum(),
        evictions.sum(),
        l2Errors(),
        invalidationsReceived.sum(),
        l1Size);
  }

  void register(
      @Nullable MeterRegistry registry, String name, boolean l1, boolean l2, LongSupplier size) {
    if (registry == null) {
      return;
    }
    Tags standard =
        Tags.of("cache", name, "cache.manager", CACHE_MANAGER, MeterConventions.NAME, name);
    Tags own = MeterConventions.nameTag(name);
    FunctionCounter.builder("cache.gets", this, CacheMeters::hits)
        .tags(standard)
        .tag("result", "hit")
        .description("Reads answered by L1 or L2, or by a load another caller had in flight")
        .register(registry);
    FunctionCounter.builder("cache.gets", misses, LongAdder::sum)
        .tags(standard)
        .tag("result", "miss")
        .description("Reads that called the loader, or found nothing")
        .register(registry);
    FunctionCounter.builder("cache.puts", puts, LongAdder::sum)
        .tags(standard)
        .description("Values stored by put or by a load")
        .register(registry);
    if (l1) {
      FunctionCounter.builder("cache.evictions", evictions, LongAdder::sum)
          .tags(standard)
          .description("L1 entries evicted for size or expiry")
          .register(registry);
      Gauge.builder("cache.size", size, LongSupplier::getAsLong)
          .tags(standard)
          .strongReference(true)
          .description("Estimated number of entries in L1")
          .register(registry);
      tier(registry, own, "l1", "hit", l1Hits);
      tier(registry, own, "l1", "miss", l1Misses);
    }
    load(registry, own, "success", loadSuccess, loadSuccessNanos);
    load(registry, own, "not_found", loadNotFound, loadNotFoundNanos);
    load(registry, own, "failure", loadFailure, loadFailureNanos);
    if (l2) {
      tier(registry, own, "l2", "hit", l2Hits);
      tier(registry, own, "l2", "miss", l2Misses);
      String errors = MeterConventions.errorsMeter("cache", "l2");
      error(registry, errors, own, MeterConventions.CAUSE_BREAKER_OPEN, l2BreakerOpen);
      for (RedisFailure f : RedisFailure.values()) {
        error(registry, errors, own, f.cause(), l2Failures[f.index()]);
      }
      FunctionCounter.builder("cache.invalidations.received", invalidationsReceived, LongAdder::sum)
          .tags(own)
          .description("Invalidation messages received from other nodes")
          .register(registry);
    }
  }

  private static void tier(
      MeterRegistry registry, Tags own, String tier, String result, LongAdder adder) {
    FunctionCounter.builder("cache.tier.gets", adder, LongAdder::sum)
        .tags(own)
        .tags("tier", tier, "result", result)
        .description("Reads per tier and result; an L2 miss includes failures and breaker skips")
        .register(registry);
  }

  private static void load(
      MeterRegistry registry, Tags own, String result, LongAdder count, LongAdder nanos) {
    FunctionTimer.builder(
            "cache.loader.calls", count, LongAdder::sum, a -> nanos.sum(), TimeUnit.NANOSECONDS)
        .tags(own)
        .tag("result", result)
        .description("Loader calls and their duration")
        .register(registry);
  }

  private static void error(
      MeterRegistry registry, String meter, Tags own, String cause, LongAdder adder) {
    FunctionCounter.builder(meter, adder, LongAdder::sum)
        .tags(own)
        .tag(MeterConventions.CAUSE, cause)
        .description("Redis calls that failed, or were skipped by the open breaker")
        .register(registry);
  }
}
