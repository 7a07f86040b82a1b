package io.headroom.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.breaker.Breaker;
import io.headroom.breaker.BreakerPreset;
import io.headroom.breaker.BreakerRegistry;
import io.headroom.core.Settings;
import io.headroom.core.SettingsException;
import io.headroom.redis.RedisConnector;
import io.headroom.redis.RedisSettings;
import io.headroom.testkit.FakeTicker;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class CacheSettingsTest {
  private final FakeTicker time = new FakeTicker();

  private TieredCache.Builder<String, String> users(Map<String, String> values) {
    return TieredCache.<String, String>builder("user-profiles")
        .local(100, Duration.ofMinutes(1))
        .ticker(time)
        .executor(Runnable::run)
        .loader(k -> "v" + time.read())
        .settings(Settings.of(values));
  }

  @Test
  void thePrefixIsTheUpperCasedNameWithUnderscores() {
    assertThat(TieredCache.settingsPrefix("user-profiles"))
        .isEqualTo("HEADROOM_CACHE_USER_PROFILES_");
    assertThat(TieredCache.settingsPrefix("a.b2")).isEqualTo("HEADROOM_CACHE_A_B2_");
    assertThatThrownBy(() -> TieredCache.settingsPrefix(" "))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TieredCache.settingsPrefix("a:b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'a:b'");
  }

  @Test
  void settingsOverrideTheCodeWhateverTheCallOrder() {
    TieredCache.Builder<String, String> b =
        users(
            Map.of(
                "HEADROOM_CACHE_USER_PROFILES_LOCAL_MAX_SIZE", "500",
                "HEADROOM_CACHE_USER_PROFILES_LOCAL_TTL", "5s",
                "HEADROOM_CACHE_USER_PROFILES_NEGATIVE_TTL", "250ms",
                "HEADROOM_CACHE_USER_PROFILES_JITTER", "0",
                "HEADROOM_CACHE_USER_PROFILES_COMPRESS_ABOVE", "1024",
                "HEADROOM_CACHE_USER_PROFILES_REFRESH_AHEAD", "1s",
                "HEADROOM_CACHE_USER_PROFILES_NAMESPACE", "app:cache"));
    b.jitter(0.3).negativeTtl(Duration.ofMinutes(1)); // set after settings(..): settings still win
    try (TieredCache<String, String> cache = b.build()) {
      assertThat(b.localMaxSize).isEqualTo(500);
      assertThat(b.localTtl).isEqualTo(Duration.ofSeconds(5));
      assertThat(b.negativeTtl).isEqualTo(Duration.ofMillis(250));
      assertThat(b.jitter).isZero();
      assertThat(b.compressAbove).isEqualTo(1024);
      assertThat(b.earlyRefresh).isEqualTo(TieredCache.EarlyRefresh.AHEAD);
      assertThat(b.refreshAhead).isEqualTo(Duration.ofSeconds(1));
      assertThat(b.namespace).isEqualTo("app:cache");
      String first = cache.get("k");
      time.advance(Duration.ofSeconds(5).minusNanos(1));
      assertThat(cache.getIfPresent("k")).isEqualTo(first);
      time.advance(Duration.ofNanos(1));
      assertThat(cache.getIfPresent("k")).isNull(); // the 5 s TTL from settings, unjittered
    }
  }

  @Test
  void absentKeysKeepTheBuildersValues() {
    TieredCache.Builder<String, String> b =
        users(
            Map.of(
                "HEADROOM_CACHE_OTHER_JITTER", "0.4", "HEADROOM_CACHE_USER_PROFILES_JITTER", " "));
    b.build().close();
    assertThat(b.localMaxSize).isEqualTo(100);
    assertThat(b.localTtl).isEqualTo(Duration.ofMinutes(1));
    assertThat(b.jitter).isEqualTo(0.1);
    assertThat(b.negativeTtl).isZero();
    assertThat(b.earlyRefresh).isEqualTo(TieredCache.EarlyRefresh.NONE);
  }

  @Test
  void settingsCanEnableL1AndTheLoadLockOptions() {
    TieredCache.Builder<String, String> b =
        TieredCache.<String, String>builder("c")
            .local(1, Duration.ofSeconds(1))
            .settings(
                Settings.of(
                    Map.of(
                        "HEADROOM_CACHE_C_EARLY_REFRESH_BETA", "2.5",
                        "HEADROOM_CACHE_C_LOAD_LOCK_LEASE", "10s",
                        "HEADROOM_CACHE_C_LOAD_LOCK_MAX_WAIT", "3s")))
            .loader(k -> k);
    b.build().close();
    assertThat(b.earlyRefresh).isEqualTo(TieredCache.EarlyRefresh.XFETCH);
    assertThat(b.beta).isEqualTo(2.5);
    assertThat(b.lockLease).isEqualTo(Duration.ofSeconds(10));
    assertThat(b.lockWait).isEqualTo(Duration.ofSeconds(3));

    TieredCache.Builder<String, String> fromEnvOnly =
        TieredCache.<String, String>builder("c")
            .settings(
                Settings.of(
                    Map.of(
                        "HEADROOM_CACHE_C_LOCAL_MAX_SIZE",
                        "10",
                        "HEADROOM_CACHE_C_LOCAL_TTL",
                        "2m")))
            .loader(k -> k);
    try (TieredCache<String, String> cache = fromEnvOnly.build()) {
      assertThat(cache.get("x")).isEqualTo("x");
      assertThat(fromEnvOnly.localTtl).isEqualTo(Duration.ofMinutes(2));
    }
  }

  @Test
  void badValuesFailAtBuildNamingTheKeyAndTheValue() {
    assertBad("JITTER", "0.9", "jitter");
    assertBad("JITTER", "lots", "expected");
    assertBad("LOCAL_TTL", "soon", "expected a duration");
    assertBad("LOCAL_TTL", "0s", "ttl");
    assertBad("LOCAL_MAX_SIZE", "0", "maxSize");
    assertBad("COMPRESS_ABOVE", "-1", "compressAbove");
    assertBad("NEGATIVE_TTL", "-5s", "duration");
    assertBad("REMOTE_TTL", "30m", "remote(connector, ttl) is not configured");
    assertBad("EARLY_REFRESH_BETA", "0", "beta");
    assertBad("LOAD_LOCK_MAX_WAIT", "0ms", "maxWait");
    assertBad("NAMESPACE", "a{b}", "braces");
    assertBad("DISTRIBUTED_LOAD_LOCK", "maybe", "expected");
  }

  @Test
  void theDefaultBreakerIsCacheDashNameWithItsOverridesFromTheSameSettings() {
    try (RedisConnector down = RedisConnector.create(RedisSettings.of("redis://127.0.0.1:1"));
        TieredCache<String, String> cache =
            TieredCache.<String, String>builder("user-profiles")
                .remote(down, Duration.ofMinutes(1))
                .codec(CacheCodec.string())
                .ticker(time)
                .settings(
                    Settings.of(Map.of("HEADROOM_BREAKER_CACHE_USER_PROFILES_MINIMUM_CALLS", "7")))
                .build()) {
      Breaker breaker =
          Objects.requireNonNull(((DefaultTieredCache<String, String>) cache).breaker());
      assertThat(breaker.name()).isEqualTo("cache-user-profiles");
      assertThat(breaker.config().minimumCalls()).isEqualTo(7);
    }
  }

  @Test
  void aBreakerRegistryOrAGivenBreakerReplacesTheDefault() {
    BreakerRegistry registry = BreakerRegistry.builder().ticker(time).build();
    Breaker given = Breaker.of("mine", BreakerPreset.REDIS);
    try (RedisConnector down = RedisConnector.create(RedisSettings.of("redis://127.0.0.1:1"));
        TieredCache<String, String> fromRegistry =
            TieredCache.<String, String>builder("users")
                .remote(down, Duration.ofMinutes(1))
                .codec(CacheCodec.string())
                .breaker(given)
                .breakerRegistry(registry) // the later call wins
                .build();
        TieredCache<String, String> withGiven =
            TieredCache.<String, String>builder("users")
                .remote(down, Duration.ofMinutes(1))
                .codec(CacheCodec.string())
                .breakerRegistry(registry)
                .breaker(given)
                .build()) {
      assertThat(((DefaultTieredCache<String, String>) fromRegistry).breaker())
          .isSameAs(registry.find("cache-users").orElseThrow());
      assertThat(((DefaultTieredCache<String, String>) withGiven).breaker()).isSameAs(given);
    }
  }

  @Test
  void halfAnL1FromSettingsIsRejected() {
    try (RedisConnector down = RedisConnector.create(RedisSettings.of("redis://127.0.0.1:1"))) {
      TieredCache.Builder<String, String> b =
          TieredCache.<String, String>builder("c")
              .remote(down, Duration.ofMinutes(1))
              .codec(CacheCodec.string())
              .settings(Settings.of(Map.of("HEADROOM_CACHE_C_LOCAL_TTL", "1m")));
      assertThatThrownBy(b::build)
          .isInstanceOf(SettingsException.class)
          .hasMessageContaining("HEADROOM_CACHE_C_LOCAL_TTL")
          .hasMessageContaining("HEADROOM_CACHE_C_LOCAL_MAX_SIZE");
    }
  }

  private void assertBad(String key, String value, String problem) {
    String full = "HEADROOM_CACHE_USER_PROFILES_" + key;
    TieredCache.Builder<String, String> b = users(Map.of(full, value));
    assertThatThrownBy(b::build)
        .as("%s=%s", full, value)
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining(full)
        .hasMessageContaining(value)
        .hasMessageContaining(problem)
        .satisfies(e -> assertThat(((SettingsException) e).key()).isEqualTo(full));
  }
}
