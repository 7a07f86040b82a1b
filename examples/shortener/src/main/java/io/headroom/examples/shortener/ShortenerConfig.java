package io.headroom.examples.shortener;

import io.headroom.core.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The app's own settings (the {@code SHORTENER_*} keys and {@code PORT}); the modules read their
 * {@code HEADROOM_*} keys themselves from the same {@link Settings}. Every key, its default and its
 * meaning are in the README's configuration table.
 */
final class ShortenerConfig {
  static final String PORT = "PORT";
  static final String HOST = "SHORTENER_HOST";
  static final String BASE_URL = "SHORTENER_BASE_URL";
  static final String DATA_DIR = "SHORTENER_DATA_DIR";
  static final String TRUSTED_PROXIES = "SHORTENER_TRUSTED_PROXIES";
  static final String MAX_EXPIRES_IN = "SHORTENER_MAX_EXPIRES_IN_SECONDS";
  static final String CACHE_TTL = "SHORTENER_CACHE_TTL";
  static final String CACHE_REMOTE_TTL = "SHORTENER_CACHE_REMOTE_TTL";
  static final String CACHE_NEGATIVE_TTL = "SHORTENER_CACHE_NEGATIVE_TTL";
  static final String CACHE_L1_SIZE = "SHORTENER_CACHE_L1_SIZE";
  static final String COUNT_FLUSH_INTERVAL = "SHORTENER_COUNT_FLUSH_INTERVAL";
  static final String HTTP_MAX_THREADS = "SHORTENER_HTTP_MAX_THREADS";
  static final String REDIS_URL = "HEADROOM_REDIS_URL";
  static final String SHARDS = "HEADROOM_SHARDS";

  final int port;
  final String host;
  final Optional<String> baseUrl;
  final Path dataDir;
  final Set<String> trustedProxies;
  final long maxExpiresInSeconds;
  final Duration cacheTtl;
  final Duration cacheRemoteTtl;
  final Duration cacheNegativeTtl;
  final int cacheL1Size;
  final Duration countFlushInterval;
  final int httpMaxThreads;
  final boolean redis;
  final boolean embeddedShards;

  ShortenerConfig(Settings s) {
    port = s.getInt(PORT, 8080);
    if (port < 0 || port > 65535) {
      throw s.invalid(PORT, Integer.toString(port), "must be in [0, 65535]");
    }
    host = s.getString(HOST, "0.0.0.0");
    baseUrl = s.get(BASE_URL).map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
    if (baseUrl.isPresent()) {
      String b = baseUrl.get();
      if (!b.startsWith("http://") && !b.startsWith("https://")) {
        throw s.invalid(BASE_URL, b, "must start with http:// or https://");
      }
    }
    dataDir = Path.of(s.getString(DATA_DIR, "data")).toAbsolutePath().normalize();
    Set<String> proxies = new LinkedHashSet<>();
    for (String p : s.getString(TRUSTED_PROXIES, "").split(",", -1)) {
      if (!p.isBlank()) {
        proxies.add(p.trim());
      }
    }
    trustedProxies = Set.copyOf(proxies);
    maxExpiresInSeconds = s.getLong(MAX_EXPIRES_IN, 10L * 365 * 24 * 3600);
    if (maxExpiresInSeconds < 1) {
      throw s.invalid(MAX_EXPIRES_IN, Long.toString(maxExpiresInSeconds), "must be >= 1");
    }
    cacheTtl = positive(s, CACHE_TTL, s.getDuration(CACHE_TTL, Duration.ofMinutes(10)));
    cacheRemoteTtl =
        positive(s, CACHE_REMOTE_TTL, s.getDuration(CACHE_REMOTE_TTL, Duration.ofHours(1)));
    cacheNegativeTtl =
        positive(s, CACHE_NEGATIVE_TTL, s.getDuration(CACHE_NEGATIVE_TTL, Duration.ofSeconds(30)));
    cacheL1Size = s.getInt(CACHE_L1_SIZE, 100_000);
    if (cacheL1Size < 1) {
      throw s.invalid(CACHE_L1_SIZE, Integer.toString(cacheL1Size), "must be >= 1");
    }
    countFlushInterval =
        positive(
            s, COUNT_FLUSH_INTERVAL, s.getDuration(COUNT_FLUSH_INTERVAL, Duration.ofSeconds(2)));
    httpMaxThreads = s.getInt(HTTP_MAX_THREADS, 250);
    if (httpMaxThreads < 4 || httpMaxThreads > 10_000) {
      throw s.invalid(HTTP_MAX_THREADS, Integer.toString(httpMaxThreads), "must be in [4, 10000]");
    }
    redis = s.contains(REDIS_URL);
    embeddedShards = !s.contains(SHARDS);
  }

  private static Duration positive(Settings s, String key, Duration d) {
    if (d.isZero()) {
      throw s.invalid(key, d.toString(), "must be > 0");
    }
    return d;
  }
}
