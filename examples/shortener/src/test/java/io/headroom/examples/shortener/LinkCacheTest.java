package io.headroom.examples.shortener;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.breaker.BreakerRegistry;
import io.headroom.cache.CacheLoader;
import io.headroom.testkit.FakeTicker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The link cache takes its sizes and TTLs from the cache's keys ({@code HEADROOM_CACHE_LINKS_*}),
 * and from the old {@code SHORTENER_CACHE_*} keys through {@link ShortenerConfig}.
 */
class LinkCacheTest {
  private final FakeTicker ticker = new FakeTicker();
  private final AtomicInteger loads = new AtomicInteger();
  private final Link link =
      new Link("Z", 7L, "https://example.com/", Instant.ofEpochMilli(1L), null);
  private final CacheLoader<String, Link> loader =
      code -> {
        loads.incrementAndGet();
        return code.equals(link.code()) ? link : null;
      };

  private LinkCache cache(Map<String, String> env) {
    Map<String, String> all = new HashMap<>(env);
    all.put("HEADROOM_IDGEN_SHORTCODE_SECRET", "link-cache-test");
    ShortenerConfig config = new ShortenerConfig(all::get);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    BreakerRegistry breakers = BreakerRegistry.builder().meterRegistry(meters).build();
    return new LinkCache(config.settings, loader, null, breakers, meters, ticker);
  }

  /** Loads after {@code link} was put and then {@code elapsed} passed. */
  private int loadsAfter(LinkCache cache, Duration elapsed) {
    cache.put(link);
    ticker.advance(elapsed);
    assertThat(cache.get(link.code())).hasValue(link);
    return loads.get();
  }

  @Test
  void keepsLinksTenMinutesByDefault() {
    try (LinkCache cache = cache(Map.of())) {
      assertThat(loadsAfter(cache, Duration.ofSeconds(12))).isZero();
    }
  }

  @Test
  void readsTheLocalTtlFromTheCachesKey() {
    try (LinkCache cache = cache(Map.of("HEADROOM_CACHE_LINKS_LOCAL_TTL", "10s"))) {
      assertThat(loadsAfter(cache, Duration.ofSeconds(12))).isEqualTo(1);
    }
  }

  @Test
  void readsTheLocalTtlFromTheOldKey() {
    try (LinkCache cache = cache(Map.of("SHORTENER_CACHE_TTL", "10s"))) {
      assertThat(loadsAfter(cache, Duration.ofSeconds(12))).isEqualTo(1);
    }
  }

  @Test
  void readsTheNegativeTtlFromTheOldKey() {
    try (LinkCache cache = cache(Map.of("SHORTENER_CACHE_NEGATIVE_TTL", "5s"))) {
      assertThat(cache.get("unknown")).isEmpty();
      assertThat(cache.get("unknown")).isEmpty();
      assertThat(loads.get()).isEqualTo(1);
      ticker.advance(Duration.ofSeconds(6));
      assertThat(cache.get("unknown")).isEmpty();
      assertThat(loads.get()).isEqualTo(2);
    }
  }
}
