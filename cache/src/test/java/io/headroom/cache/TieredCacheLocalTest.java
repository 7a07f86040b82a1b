package io.headroom.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The contract on L1 alone, plus what only a local cache shows. */
class TieredCacheLocalTest extends TieredCacheContract {

  @Override
  TieredCache.Builder<String, String> withBackend(TieredCache.Builder<String, String> b) {
    return b;
  }

  @Override
  @Nullable Long l2TtlMillis(DefaultTieredCache<String, String> cache, String key) {
    return null;
  }

  @Test
  void sizeEvictionsAreCounted() {
    DefaultTieredCache<String, String> cache =
        build(TieredCache.<String, String>builder("small").local(10, Duration.ofMinutes(1)));
    for (int i = 0; i < 100; i++) {
      cache.put("k" + i, "v");
    }
    cache.cleanUp();
    assertThat(cache.stats().evictions()).isEqualTo(90);
  }

  @Test
  void aLocalCacheHasNoBreaker() {
    DefaultTieredCache<String, String> cache = build(builder(unique("nobreaker")));
    assertThat(cache.breaker()).isNull();
    assertThat(cache.toString()).isEqualTo("TieredCache{" + cache.name() + ", l1}");
  }

  @Test
  void builderRejectsBadValuesAndIncompleteConfigurations() {
    assertThatThrownBy(() -> TieredCache.builder(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TieredCache.builder("a{b}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[A-Za-z0-9_.-]")
        .hasMessageContaining("a{b}");
    assertThatThrownBy(() -> TieredCache.builder("user profiles"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'user profiles'");
    assertThatThrownBy(() -> TieredCache.builder("a").local(0, Duration.ofSeconds(1)))
        .hasMessageContaining("maxSize must be > 0: 0");
    assertThatThrownBy(() -> TieredCache.builder("a").jitter(0.9))
        .hasMessageContaining("jitter must be in [0.0, 0.5]: 0.9");
    assertThatThrownBy(() -> TieredCache.builder("a").negativeTtl(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TieredCache.builder("a").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("local(maxSize, ttl), remote(connector, ttl)");
    assertThatThrownBy(
            () ->
                TieredCache.builder("a")
                    .local(1, Duration.ofSeconds(1))
                    .distributedLoadLock(true)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("distributedLoadLock");
    assertThatThrownBy(
            () -> TieredCache.builder("a").local(1, Duration.ofSeconds(1)).earlyRefresh(1).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("early refresh");
  }
}
