package io.headroom.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.headroom.redis.RedisConnector;
import io.headroom.redis.RedisSettings;
import io.headroom.testkit.FakeTicker;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CacheMetersTest {
  private final FakeTicker time = new FakeTicker();

  private TieredCache.Builder<String, String> local(String name, MeterRegistry registry) {
    return TieredCache.<String, String>builder(name)
        .local(100, Duration.ofMinutes(1))
        .ticker(time)
        .executor(Runnable::run)
        .meterRegistry(registry)
        .loader(k -> k.equals("x") ? null : "v");
  }

  private static RedisConnector unreachable() {
    return RedisConnector.create(
        RedisSettings.of("redis://127.0.0.1:1").toBuilder()
            .commandTimeout(Duration.ofMillis(200))
            .build());
  }

  @Test
  void standardMetersCarryExactlyBootsTagKeysAndHeadroomsOwnCarryName() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (TieredCache<String, String> cache = local("users", registry).build()) {
      cache.get("a");
      cache.get("a");
      cache.get("x");
      Tags standard = Tags.of("cache", "users", "cache.manager", "headroom", "name", "users");
      assertThat(counter(registry, "cache.gets", standard.and("result", "hit"))).isEqualTo(1);
      assertThat(counter(registry, "cache.gets", standard.and("result", "miss"))).isEqualTo(2);
      assertThat(counter(registry, "cache.puts", standard)).isEqualTo(1);
      assertThat(counter(registry, "cache.evictions", standard)).isZero();
      assertThat(registry.get("cache.size").tags(standard).gauge().value()).isEqualTo(1);
      Tags own = Tags.of("name", "users");
      assertThat(counter(registry, "cache.tier.gets", own.and("tier", "l1").and("result", "hit")))
          .isEqualTo(1);
      assertThat(counter(registry, "cache.tier.gets", own.and("tier", "l1").and("result", "miss")))
          .isEqualTo(2);
      assertThat(
              registry
                  .get("cache.loader.calls")
                  .tags(own.and("result", "success"))
                  .functionTimer()
                  .count())
          .isEqualTo(1);
      assertThat(
              registry
                  .get("cache.loader.calls")
                  .tags(own.and("result", "not_found"))
                  .functionTimer()
                  .count())
          .isEqualTo(1);
      // every meter has one of the two tag-key sets
      for (Meter m : registry.getMeters()) {
        List<String> keys =
            m.getId().getTags().stream().map(t -> t.getKey()).collect(Collectors.toList());
        if (List.of("cache.gets", "cache.puts", "cache.evictions", "cache.size")
            .contains(m.getId().getName())) {
          assertThat(keys).containsAnyOf("cache").contains("cache.manager", "name");
        } else {
          assertThat(keys).doesNotContain("cache", "cache.manager").contains("name");
        }
      }
      // a local cache has no L2 meters
      assertThat(registry.find("cache.l2.errors").meters()).isEmpty();
      assertThat(registry.find("cache.tier.gets").tag("tier", "l2").meters()).isEmpty();
      assertThat(registry.find("resilience4j.circuitbreaker.state").meters()).isEmpty();
    }
  }

  @Test
  void l2ErrorsAreCountedByCause() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (RedisConnector down = unreachable();
        TieredCache<String, String> cache =
            local("remote", registry)
                .remote(down, Duration.ofMinutes(1))
                .codec(CacheCodec.string())
                .build()) {
      assertThat(cache.get("a")).isEqualTo("v"); // Redis down: a miss, served by the loader
      List<String> causes =
          registry.find("cache.l2.errors").functionCounters().stream()
              .map(c -> c.getId().getTag("cause"))
              .sorted()
              .collect(Collectors.toList());
      assertThat(causes)
          .containsExactly("breaker_open", "command", "other", "timeout", "unavailable");
      assertThat(
              counter(
                  registry, "cache.l2.errors", Tags.of("name", "remote", "cause", "unavailable")))
          .isPositive();
      double total =
          registry.find("cache.l2.errors").functionCounters().stream()
              .mapToDouble(FunctionCounter::count)
              .sum();
      assertThat((long) total).isEqualTo(cache.stats().l2Errors());
      assertThat(registry.find("cache.tier.gets").tag("tier", "l2").functionCounters()).hasSize(2);
      assertThat(registry.find("cache.invalidations.received").functionCounter()).isNotNull();
      assertThat(
              registry
                  .find("resilience4j.circuitbreaker.state")
                  .tag("name", "cache-remote")
                  .meters())
          .isNotEmpty(); // the default breaker's meters in the same registry
    }
  }

  @Test
  void noRegistryMeansNoMetersAnywhere() {
    int before = Metrics.globalRegistry.getMeters().size();
    try (RedisConnector down = unreachable();
        TieredCache<String, String> cache =
            TieredCache.<String, String>builder("unmetered")
                .local(100, Duration.ofMinutes(1))
                .remote(down, Duration.ofMinutes(1))
                .codec(CacheCodec.string())
                .loader(k -> "v")
                .build()) {
      assertThat(cache.get("a")).isEqualTo("v");
      assertThat(Metrics.globalRegistry.getMeters()).hasSize(before);
      assertThat(Metrics.globalRegistry.getRegistries()).isEmpty();
    }
  }

  /**
   * One Prometheus registry holding a headroom cache's meters and a Caffeine cache's meters bound
   * the way Spring Boot binds them ({@code CaffeineCacheMetrics} with the {@code cache.manager} and
   * {@code name} tags its {@code CacheMetricsRegistrar} adds): nothing is refused, in either order,
   * and both families are scraped under the same names.
   */
  @Test
  void headroomAndSpringBootCacheMetersShareOnePrometheusRegistry() {
    for (boolean bootFirst : new boolean[] {true, false}) {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      List<String> refused = new CopyOnWriteArrayList<>();
      registry.config().onMeterRegistrationFailed((id, reason) -> refused.add(id + ": " + reason));
      Cache<String, String> books = Caffeine.newBuilder().recordStats().build();
      if (bootFirst) {
        bindLikeSpringBoot(registry, books);
      }
      try (TieredCache<String, String> users = local("users", registry).build()) {
        if (!bootFirst) {
          bindLikeSpringBoot(registry, books);
        }
        users.get("a");
        users.get("a");
        books.put("b", "x");
        assertThat(books.getIfPresent("b")).isEqualTo("x");
        String scrape = registry.scrape();
        assertThat(refused).isEmpty();
        assertThat(scrape)
            .contains(
                "cache_gets_total{cache=\"users\",cache_manager=\"headroom\",name=\"users\","
                    + "result=\"hit\"} 1.0")
            .contains(
                "cache_gets_total{cache=\"books\",cache_manager=\"cacheManager\",name=\"books\","
                    + "result=\"hit\"} 1.0")
            .contains("cache_puts_total{cache=\"users\",cache_manager=\"headroom\",name=\"users\"}")
            .contains("cache_size{cache=\"books\",cache_manager=\"cacheManager\",name=\"books\"}")
            .contains("cache_tier_gets_total{name=\"users\",result=\"hit\",tier=\"l1\"} 1.0");
      }
    }
  }

  /** The test above can fail: the tag keys of headroom 0.1 ({@code cache, tier, result}) clash. */
  @Test
  void theOldTagLayoutIsRefusedNextToSpringBootsMeters() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    List<String> refused = new CopyOnWriteArrayList<>();
    registry.config().onMeterRegistrationFailed((id, reason) -> refused.add(id.getName()));
    bindLikeSpringBoot(registry, Caffeine.newBuilder().recordStats().<String, String>build());
    FunctionCounter.builder("cache.gets", new LongAdder(), LongAdder::sum)
        .tags("cache", "users", "tier", "l1", "result", "hit")
        .register(registry);
    assertThat(refused).containsExactly("cache.gets");
  }

  private static void bindLikeSpringBoot(MeterRegistry registry, Cache<String, String> cache) {
    CaffeineCacheMetrics.monitor(
        registry, cache, "books", Tags.of("cache.manager", "cacheManager", "name", "books"));
  }

  private static double counter(MeterRegistry registry, String name, Tags tags) {
    return registry.get(name).tags(tags).functionCounter().count();
  }
}
