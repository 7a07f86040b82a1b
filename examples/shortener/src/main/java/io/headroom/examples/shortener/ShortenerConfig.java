package io.headroom.examples.shortener;

import io.headroom.core.Settings;
import io.headroom.idgen.ShortCodes;
import io.headroom.idgen.WorkerIdProvider;
import io.headroom.idgen.redis.RedisWorkerIdConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the app reads from its environment: its own settings (the {@code SHORTENER_*} keys and
 * {@code PORT}), and the {@link #settings} the modules read their {@code HEADROOM_*} keys from,
 * with the app's embedded defaults filled in and the renamed keys still honoured. Every key, its
 * default and its meaning are in the README's configuration table.
 */
final class ShortenerConfig {
  // The app's own keys: no module reads them.
  static final String PORT = "PORT";
  static final String HOST = "SHORTENER_HOST";
  static final String BASE_URL = "SHORTENER_BASE_URL";
  static final String DATA_DIR = "SHORTENER_DATA_DIR";
  static final String TRUSTED_PROXIES = "SHORTENER_TRUSTED_PROXIES";
  static final String MAX_EXPIRES_IN = "SHORTENER_MAX_EXPIRES_IN_SECONDS";
  static final String COUNT_FLUSH_INTERVAL = "SHORTENER_COUNT_FLUSH_INTERVAL";
  static final String HTTP_MAX_THREADS = "SHORTENER_HTTP_MAX_THREADS";

  // Module keys the app looks at to choose its wiring and defaults (the modules read them too).
  static final String REDIS_URL = "HEADROOM_REDIS_URL";
  static final String SHARDS = "HEADROOM_SHARDING_URLS";
  static final String SHARDS_CONNECTION_TIMEOUT = "HEADROOM_SHARDING_CONNECTION_TIMEOUT";
  // Their names before the sharding and idgen keys were unified; still honoured for one release.
  static final String OLD_SHARDS = "HEADROOM_SHARDS";

  /**
   * The cache knobs the app used to read itself, old key to new: the cache reads the new ones
   * ({@code HEADROOM_CACHE_LINKS_*}); the old ones keep working for one release, with a logged
   * deprecation. {@code REMOTE_TTL} is renamed only with Redis (see {@link #renamedKeys}).
   */
  static final Map<String, String> RENAMED_CACHE_KEYS = renamedCacheKeys();

  private static final String SECRET_FILE = "shortcode.secret";
  // The app's one logger name, as before the app was split into files.
  private static final Logger log = LoggerFactory.getLogger(ShortenerApp.class);

  final int port;
  final String host;
  final Optional<String> baseUrl;
  final Path dataDir;
  final Set<String> trustedProxies;
  final long maxExpiresInSeconds;
  final Duration countFlushInterval;
  final int httpMaxThreads;
  final boolean redis;
  final boolean embeddedShards;

  /** What the modules read: the environment, then the app's defaults for blank or absent keys. */
  final Settings settings;

  /**
   * Reads the app's settings from {@code env} and prepares the modules' settings.
   *
   * @throws io.headroom.core.SettingsException naming the key of a malformed setting
   */
  ShortenerConfig(Function<String, @Nullable String> env) {
    Settings s =
        Settings.from(env)
            .withRenamedKey(OLD_SHARDS, SHARDS)
            .withRenamedKey(WorkerIdProvider.OLD_WORKER_ID_KEY, WorkerIdProvider.WORKER_ID_KEY);
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
    countFlushInterval = s.getPositiveDuration(COUNT_FLUSH_INTERVAL, Duration.ofSeconds(2));
    httpMaxThreads = s.getInt(HTTP_MAX_THREADS, 250);
    if (httpMaxThreads < 4 || httpMaxThreads > 10_000) {
      throw s.invalid(HTTP_MAX_THREADS, Integer.toString(httpMaxThreads), "must be in [4, 10000]");
    }
    redis = s.contains(REDIS_URL);
    embeddedShards = !s.contains(SHARDS);
    settings = renamedKeys(Settings.from(withDefaults(env, s)), redis);
  }

  private static Map<String, String> renamedCacheKeys() {
    String links = Settings.componentPrefix("cache", LinkCache.NAME);
    Map<String, String> m = new LinkedHashMap<>();
    m.put("SHORTENER_CACHE_L1_SIZE", links + "LOCAL_MAX_SIZE");
    m.put("SHORTENER_CACHE_TTL", links + "LOCAL_TTL");
    m.put("SHORTENER_CACHE_REMOTE_TTL", links + "REMOTE_TTL");
    m.put("SHORTENER_CACHE_NEGATIVE_TTL", links + "NEGATIVE_TTL");
    return Map.copyOf(m);
  }

  /**
   * The old {@code SHORTENER_CACHE_*} keys as fall-backs of the cache's keys. Without Redis the
   * cache has no L2 and refuses a {@code REMOTE_TTL}; the old key was ignored then, so it still is.
   */
  private static Settings renamedKeys(Settings settings, boolean redis) {
    Settings s =
        settings.withRenamedKey(WorkerIdProvider.OLD_WORKER_ID_KEY, WorkerIdProvider.WORKER_ID_KEY);
    for (Map.Entry<String, String> e : RENAMED_CACHE_KEYS.entrySet()) {
      if (redis || !e.getValue().endsWith("_REMOTE_TTL")) {
        s = s.withRenamedKey(e.getKey(), e.getValue());
      }
    }
    return s;
  }

  /**
   * The embedded defaults: two H2 file shards under the data directory, worker ID 0 when there is
   * no Redis to lease one from, and a short-code secret kept in the data directory.
   */
  private Function<String, @Nullable String> withDefaults(
      Function<String, @Nullable String> env, Settings raw) {
    Map<String, String> defaults = new LinkedHashMap<>();
    if (embeddedShards) {
      defaults.put(SHARDS, h2Url(dataDir, "shard0") + "," + h2Url(dataDir, "shard1"));
      // Opening an H2 file database (recovery, first page reads) can take seconds on a busy
      // machine; a PostgreSQL pool keeps the module's 2s default.
      defaults.put(SHARDS_CONNECTION_TIMEOUT, "10s");
    }
    if (redis) {
      // Leased worker IDs (unless HEADROOM_IDGEN_WORKER_ID is set). Heartbeat and safety margin
      // follow the TTL (a fifth each, as the idgen defaults 2s/2s do for 10s), so that setting
      // only the TTL is enough.
      defaults.put(RedisWorkerIdConfig.NAMESPACE_KEY, "shortener");
      Duration ttl = raw.getDuration(RedisWorkerIdConfig.TTL_KEY, Duration.ofSeconds(10));
      String fifth = Math.max(1, ttl.toMillis() / 5) + "ms";
      defaults.put(RedisWorkerIdConfig.HEARTBEAT_KEY, fifth);
      defaults.put(RedisWorkerIdConfig.SAFETY_MARGIN_KEY, fifth);
    } else {
      defaults.put(WorkerIdProvider.WORKER_ID_KEY, "0");
    }
    if (!raw.contains(ShortCodes.SECRET_KEY)) {
      if (!embeddedShards) {
        throw raw.invalid(
            ShortCodes.SECRET_KEY,
            "",
            "required when " + SHARDS + " is set (every node must share it)");
      }
      defaults.put(ShortCodes.SECRET_KEY, localSecret(dataDir));
    }
    return key -> {
      String v = env.apply(key);
      return v == null || v.isBlank() ? defaults.get(key) : v;
    };
  }

  /**
   * DB_CLOSE_ON_EXIT=FALSE: H2's own JVM shutdown hook would otherwise close the database while
   * ours is still draining, and the final flush of access counts at SIGTERM would fail. The
   * database closes when the pools close, last in our shutdown.
   */
  private static String h2Url(Path dir, String name) {
    return "jdbc:h2:file:"
        + dir.resolve(name)
        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
        + ";DB_CLOSE_ON_EXIT=FALSE";
  }

  private static String localSecret(Path dir) {
    Path file = dir.resolve(SECRET_FILE);
    try {
      Files.createDirectories(dir);
      if (Files.exists(file)) {
        return Files.readString(file, StandardCharsets.UTF_8).trim();
      }
      byte[] bytes = new byte[32];
      new SecureRandom().nextBytes(bytes);
      String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      Files.writeString(file, secret + "\n", StandardCharsets.UTF_8);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        log.debug("no POSIX permissions on {}", file);
      }
      log.info("generated a short-code secret in {}", file);
      return secret;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create " + file, e);
    }
  }
}
