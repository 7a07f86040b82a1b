package io.headroom.examples.shortener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.Settings;
import io.headroom.core.SettingsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The app's own keys, the embedded defaults, and the renamed cache keys. */
class ShortenerConfigTest {
  private static final String SECRET = "config-test-secret";

  private static ShortenerConfig config(Map<String, String> env) {
    Map<String, String> all = new HashMap<>(env);
    all.putIfAbsent("HEADROOM_IDGEN_SHORTCODE_SECRET", SECRET);
    return new ShortenerConfig(all::get);
  }

  @Test
  void readsTheAppsOwnKeys() {
    ShortenerConfig c =
        config(
            Map.of(
                "PORT", "9090",
                "SHORTENER_HOST", "127.0.0.1",
                "SHORTENER_BASE_URL", "https://sho.rt/",
                "SHORTENER_TRUSTED_PROXIES", " 10.0.0.1, ,10.0.0.2",
                "SHORTENER_MAX_EXPIRES_IN_SECONDS", "60",
                "SHORTENER_COUNT_FLUSH_INTERVAL", "5s",
                "SHORTENER_HTTP_MAX_THREADS", "16"));
    assertThat(c.port).isEqualTo(9090);
    assertThat(c.host).isEqualTo("127.0.0.1");
    assertThat(c.baseUrl).hasValue("https://sho.rt");
    assertThat(c.trustedProxies).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
    assertThat(c.maxExpiresInSeconds).isEqualTo(60);
    assertThat(c.countFlushInterval).hasSeconds(5);
    assertThat(c.httpMaxThreads).isEqualTo(16);
    assertThat(c.redis).isFalse();
    assertThat(c.embeddedShards).isTrue();
  }

  @Test
  void refusesBadValuesNamingTheKey() {
    assertThatThrownBy(() -> config(Map.of("PORT", "70000")))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("PORT");
    assertThatThrownBy(() -> config(Map.of("SHORTENER_COUNT_FLUSH_INTERVAL", "0s")))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("SHORTENER_COUNT_FLUSH_INTERVAL");
    assertThatThrownBy(() -> config(Map.of("SHORTENER_BASE_URL", "sho.rt")))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("SHORTENER_BASE_URL");
  }

  @Test
  void embeddedDefaultsWithoutRedis(@TempDir Path data) {
    ShortenerConfig c = new ShortenerConfig(Map.of("SHORTENER_DATA_DIR", data.toString())::get);
    Settings s = c.settings;
    assertThat(s.get("HEADROOM_SHARDING_URLS").orElseThrow())
        .startsWith("jdbc:h2:file:" + data.resolve("shard0"))
        .contains(",jdbc:h2:file:" + data.resolve("shard1"));
    assertThat(s.get("HEADROOM_SHARDING_CONNECTION_TIMEOUT")).hasValue("10s");
    assertThat(s.get("HEADROOM_IDGEN_WORKER_ID")).hasValue("0");
    // the short-code secret is generated once into the data directory, then reused
    String secret = s.get("HEADROOM_IDGEN_SHORTCODE_SECRET").orElseThrow();
    assertThat(Files.exists(data.resolve("shortcode.secret"))).isTrue();
    ShortenerConfig again = new ShortenerConfig(Map.of("SHORTENER_DATA_DIR", data.toString())::get);
    assertThat(again.settings.get("HEADROOM_IDGEN_SHORTCODE_SECRET")).hasValue(secret);
  }

  @Test
  void withRedisTheWorkerIdIsLeasedWithTimingsFollowingTheTtl() {
    ShortenerConfig c =
        config(
            Map.of("HEADROOM_REDIS_URL", "redis://127.0.0.1:1", "HEADROOM_IDGEN_LEASE_TTL", "20s"));
    assertThat(c.redis).isTrue();
    assertThat(c.settings.contains("HEADROOM_IDGEN_WORKER_ID")).isFalse();
    assertThat(c.settings.get("HEADROOM_IDGEN_LEASE_NAMESPACE")).hasValue("shortener");
    assertThat(c.settings.get("HEADROOM_IDGEN_LEASE_HEARTBEAT")).hasValue("4000ms");
    assertThat(c.settings.get("HEADROOM_IDGEN_LEASE_SAFETY_MARGIN")).hasValue("4000ms");
  }

  @Test
  void realShardsNeedASharedSecret() {
    Map<String, String> env = Map.of("HEADROOM_SHARDING_URLS", "jdbc:postgresql://db0/links");
    assertThatThrownBy(() -> new ShortenerConfig(env::get))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("HEADROOM_IDGEN_SHORTCODE_SECRET");
    // the key's old name still switches off the embedded shards for one release
    Map<String, String> old = Map.of("HEADROOM_SHARDS", "jdbc:postgresql://db0/links");
    assertThatThrownBy(() -> new ShortenerConfig(old::get))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("HEADROOM_IDGEN_SHORTCODE_SECRET");
  }

  @Test
  void oldCacheKeysStillReachTheCachesKeys() {
    ShortenerConfig c =
        config(
            Map.of(
                "HEADROOM_REDIS_URL", "redis://127.0.0.1:1",
                "SHORTENER_CACHE_L1_SIZE", "500",
                "SHORTENER_CACHE_TTL", "10s",
                "SHORTENER_CACHE_REMOTE_TTL", "2h",
                "SHORTENER_CACHE_NEGATIVE_TTL", "5s"));
    assertThat(c.settings.get("HEADROOM_CACHE_LINKS_LOCAL_MAX_SIZE")).hasValue("500");
    assertThat(c.settings.get("HEADROOM_CACHE_LINKS_LOCAL_TTL")).hasValue("10s");
    assertThat(c.settings.get("HEADROOM_CACHE_LINKS_REMOTE_TTL")).hasValue("2h");
    assertThat(c.settings.get("HEADROOM_CACHE_LINKS_NEGATIVE_TTL")).hasValue("5s");
    assertThat(ShortenerConfig.RENAMED_CACHE_KEYS).hasSize(4);
  }

  @Test
  void theCachesKeyWinsOverTheOldOne() {
    ShortenerConfig c =
        config(
            Map.of(
                "SHORTENER_CACHE_TTL", "10s",
                "HEADROOM_CACHE_LINKS_LOCAL_TTL", "20s"));
    assertThat(c.settings.get("HEADROOM_CACHE_LINKS_LOCAL_TTL")).hasValue("20s");
  }

  @Test
  void withoutRedisTheOldRemoteTtlIsIgnoredAsBefore() {
    ShortenerConfig c = config(Map.of("SHORTENER_CACHE_REMOTE_TTL", "2h"));
    assertThat(c.settings.contains("HEADROOM_CACHE_LINKS_REMOTE_TTL")).isFalse();
  }
}
