package io.headroom.archtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.breaker.BreakerPreset;
import io.headroom.breaker.BreakerRegistry;
import io.headroom.cache.CacheCodec;
import io.headroom.cache.TieredCache;
import io.headroom.core.Settings;
import io.headroom.core.SettingsException;
import io.headroom.health.HealthEndpoints;
import io.headroom.health.HealthHttpServer;
import io.headroom.health.HealthRegistry;
import io.headroom.health.JvmChecks;
import io.headroom.idgen.IdGenerator;
import io.headroom.idgen.IdGeneratorConfig;
import io.headroom.idgen.ShortCodes;
import io.headroom.idgen.redis.RedisWorkerIdConfig;
import io.headroom.ratelimit.RateLimitPreset;
import io.headroom.ratelimit.RateLimiter;
import io.headroom.ratelimit.Tier;
import io.headroom.ratelimit.TierTable;
import io.headroom.redis.RedisConnector;
import io.headroom.redis.RedisSettings;
import io.headroom.sharding.KeyHasher;
import io.headroom.sharding.ShardRouter;
import io.headroom.sharding.ShardedDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/settings.md} lists exactly the keys the modules read.
 *
 * <p>Every module's configurable components are built from one recording {@link Settings}: every
 * getter, {@code contains} and {@code override} goes through the lookup, so each key a module reads
 * is recorded whether or not it is set. Components are named {@value #NAME} and keys are normalised
 * ({@code DOCNAME} becomes {@code <NAME>}, a module's default breaker collapses to {@code
 * HEADROOM_BREAKER_<MODULE>_<NAME>_*}, tiers and presets become {@code <TIER>} and {@code
 * <PRESET>}). The test then fails when a module reads a key the document does not list, when the
 * document lists a key no module reads, or when a row still says {@code TODO}.
 *
 * <p>{@code -Dheadroom.docs.write=true} rewrites the key column of the tables instead: rows whose
 * key is still read keep their cells, rows whose key is no longer read are dropped, and new keys
 * get a row in the table of the module that read them with {@code TODO} cells for a person to fill
 * in. Reads that depend on a value (a key read only when another is set) are seen only if {@link
 * #GATES} sets that other key.
 */
class SettingsDocTest {
  /** The name given to every component, so that its keys can be found and normalised. */
  static final String NAME = "docname";

  private static final String PLACEHOLDER = "<NAME>";

  /**
   * Values for the keys a module requires, or whose value decides which other keys it reads.
   * Everything else is absent. A renamed key keeps reading its old name for one release ({@code
   * Settings.withRenamedKey}), so the old names here keep working until they are dropped.
   */
  static final Map<String, String> GATES =
      Map.of(
          // sharding: the shards (one primary, one replica on a dead port: pools connect lazily)
          // and their names (so that the breaker keys carry DOCNAME)
          "HEADROOM_SHARDING_URLS",
          "jdbc:postgresql://127.0.0.1:1/docname|jdbc:postgresql://127.0.0.1:1/docname_replica",
          "HEADROOM_SHARDING_NAMES",
          NAME,
          // idgen: the worker ID (read when a generator is built) and the short-code secret
          "HEADROOM_IDGEN_WORKER_ID",
          "1",
          "HEADROOM_IDGEN_SHORTCODE_SECRET",
          "docs-secret-0123456789",
          // health: do not bind the real port
          "HEADROOM_HEALTH_PORT",
          "0",
          "HEADROOM_HEALTH_HOST",
          "127.0.0.1");

  private static final Pattern REPLICA = Pattern.compile("REPLICA[0-9]+");

  @Test
  void theSettingsTableListsEveryKeyTheModulesReadAndNoOther() {
    Map<String, Set<String>> observed = observe();
    var doc = DocTables.doc("settings.md");
    List<String> lines = DocTables.read(doc);
    List<DocTables.Row> rows = DocTables.rows(lines);

    if (DocTables.writeMode()) {
      DocTables.write(doc, DocTables.rewrite(lines, tables(observed, rows), HEADER));
      return;
    }

    Set<String> read = new LinkedHashSet<>();
    observed.values().forEach(read::addAll);
    Set<String> documented = new LinkedHashSet<>();
    List<String> duplicated = new ArrayList<>();
    List<String> todo = new ArrayList<>();
    for (DocTables.Row r : rows) {
      if (!documented.add(r.key())) {
        duplicated.add(r.key());
      }
      if (String.join("|", r.cells()).contains("TODO")) {
        todo.add(r.key());
      }
    }
    List<String> missing = new ArrayList<>();
    observed.forEach(
        (module, keys) ->
            keys.stream()
                .filter(k -> !documented.contains(k))
                .forEach(k -> missing.add(k + " (" + module + ")")));
    List<String> stale = documented.stream().filter(k -> !read.contains(k)).toList();

    assertThat(missing.isEmpty() && stale.isEmpty() && todo.isEmpty() && duplicated.isEmpty())
        .as(
            "docs/settings.md does not match the keys the modules read.%n"
                + "Read by a module but not in the table: %s%n"
                + "In the table but read by no module: %s%n"
                + "Rows still to describe (TODO): %s%n"
                + "Listed twice: %s%n"
                + "Regenerate the key column with%n  %s%n"
                + "then fill in the TODO cells and review the diff.",
            missing, stale, todo, duplicated, REGENERATE)
        .isTrue();
  }

  static final String REGENERATE =
      "mvn -o -q -pl archtest -am verify -Dheadroom.docs.write=true -Dtest=SettingsDocTest"
          + " -Dit.test=MetricsDocIT -Dsurefire.failIfNoSpecifiedTests=false"
          + " -Dfailsafe.failIfNoSpecifiedTests=false";

  private static final List<String> HEADER = List.of("key", "type", "default", "meaning");

  /** Keeps the rows that are still read where they are, and adds the new keys with TODO cells. */
  private static Map<String, List<List<String>>> tables(
      Map<String, Set<String>> observed, List<DocTables.Row> rows) {
    Set<String> read = new HashSet<>();
    observed.values().forEach(read::addAll);
    Map<String, List<List<String>>> tables = new LinkedHashMap<>();
    Set<String> kept = new HashSet<>();
    for (DocTables.Row r : rows) {
      List<List<String>> table = tables.computeIfAbsent(r.module(), m -> new ArrayList<>());
      if (read.contains(r.key()) && kept.add(r.key())) {
        table.add(r.cells());
      }
    }
    observed.forEach(
        (module, keys) -> {
          for (String k : keys) {
            if (kept.add(k)) {
              List<String> cells = new ArrayList<>();
              cells.add("`" + k + "`");
              for (int i = 1; i < HEADER.size() - 1; i++) {
                cells.add("TODO");
              }
              cells.add(DocTables.TODO);
              tables.computeIfAbsent(module, m -> new ArrayList<>()).add(cells);
            }
          }
        });
    return tables;
  }

  // ------------------------------------------------------------------ observation

  /** Module -> the normalised keys it read, in the order first read. */
  static Map<String, Set<String>> observe() {
    Map<String, Set<String>> raw = new LinkedHashMap<>();
    raw.put("redis", record("redis", SettingsDocTest::redis));
    raw.put("breaker", record("breaker", SettingsDocTest::breaker));
    raw.put("cache", record("cache", SettingsDocTest::cache));
    raw.put("ratelimit", record("ratelimit", SettingsDocTest::ratelimit));
    raw.put("idgen", record("idgen", SettingsDocTest::idgen));
    raw.put("sharding", record("sharding", SettingsDocTest::sharding));
    raw.put("health", record("health", SettingsDocTest::health));

    // The properties a breaker reads, from the breaker module's own pass.
    String ownPrefix = "HEADROOM_BREAKER_" + NAME.toUpperCase(Locale.ROOT) + "_";
    Set<String> breakerProperties = new HashSet<>();
    for (String k : raw.get("breaker")) {
      if (k.startsWith(ownPrefix)) {
        breakerProperties.add(k.substring(ownPrefix.length()));
      }
    }

    Map<String, Set<String>> observed = new LinkedHashMap<>();
    raw.forEach(
        (module, keys) -> {
          Set<String> normal = new LinkedHashSet<>();
          for (String k : keys) {
            normal.add(normalise(module, k, breakerProperties));
          }
          observed.put(module, normal);
        });
    return observed;
  }

  /** Builds a module's components from a recording lookup; returns every key it read. */
  private static Set<String> record(String module, Consumer<Settings> build) {
    Set<String> seen = new LinkedHashSet<>();
    Settings s =
        Settings.from(
            key -> {
              seen.add(key);
              return gate(key);
            });
    try {
      build.accept(s);
    } catch (SettingsException e) {
      throw new AssertionError(
          module
              + ": building from settings failed: "
              + e.getMessage()
              + ". If the module requires this key, or the key decides what else is read, give it"
              + " a value in SettingsDocTest.GATES.",
          e);
    }
    return seen;
  }

  private static @Nullable String gate(String key) {
    return GATES.get(key);
  }

  /**
   * {@code DOCNAME} -> {@code <NAME>}; in another module, {@code HEADROOM_BREAKER_<X>_<PROPERTY>}
   * of a breaker property -> {@code HEADROOM_BREAKER_<X>_*}; {@code REPLICA0} -> {@code
   * REPLICA<I>}; ratelimit's {@code TIER_<TIER>_<PRESET>}.
   */
  static String normalise(String module, String key, Set<String> breakerProperties) {
    String upperName = NAME.toUpperCase(Locale.ROOT);
    String k = key;
    if (!module.equals("breaker") && k.startsWith("HEADROOM_BREAKER_") && k.contains(upperName)) {
      String rest = k.substring("HEADROOM_BREAKER_".length());
      String property = null;
      for (String p : breakerProperties) {
        if (rest.endsWith("_" + p) && (property == null || p.length() > property.length())) {
          property = p;
        }
      }
      if (property != null) {
        String breaker = rest.substring(0, rest.length() - property.length() - 1);
        k = "HEADROOM_BREAKER_" + REPLICA.matcher(breaker).replaceAll("REPLICA<I>") + "_*";
      }
    }
    k = k.replace(upperName, PLACEHOLDER);
    int tier = k.indexOf("_TIER_");
    if (module.equals("ratelimit") && tier >= 0) {
      String head = k.substring(0, tier + "_TIER_".length());
      String rest = k.substring(head.length());
      for (Tier t : Tier.values()) {
        if (rest.startsWith(t.name() + "_")) {
          String after = rest.substring(t.name().length() + 1);
          for (RateLimitPreset p : RateLimitPreset.values()) {
            if (after.equals(p.name())) {
              after = "<PRESET>";
            }
          }
          k = head + "<TIER>_" + after;
          break;
        }
      }
    }
    return k;
  }

  // ------------------------------------------------------------------ the modules
  // One method per module: what an application builds from settings. When a module's API changes
  // (a from(Settings) that now returns a config, a builder method renamed), fix it here.

  private static void redis(Settings s) {
    RedisSettings.from(s);
  }

  private static void breaker(Settings s) {
    BreakerRegistry.builder().settings(s).build().breaker(NAME, BreakerPreset.REDIS);
  }

  private static void cache(Settings s) {
    try (TieredCache<String, String> local =
        TieredCache.<String, String>builder(NAME)
            .local(100, Duration.ofMinutes(1))
            .settings(s)
            .build()) {
      local.getIfPresent("k");
    }
    try (RedisConnector dead = deadRedis();
        TieredCache<String, String> tiered =
            TieredCache.<String, String>builder(NAME)
                .local(100, Duration.ofMinutes(1))
                .remote(dead, Duration.ofMinutes(5))
                .codec(CacheCodec.string())
                .settings(s)
                .build()) {
      tiered.getIfPresent("k");
    }
  }

  private static void ratelimit(Settings s) {
    RateLimiter.builder(NAME).preset(RateLimitPreset.API).settings(s).build();
    try (RedisConnector dead = deadRedis()) {
      RateLimiter.builder(NAME).preset(RateLimitPreset.API).redis(dead).settings(s).build();
    }
    TierTable.from(s);
  }

  private static void idgen(Settings s) {
    try (IdGenerator ids = IdGenerator.create(IdGeneratorConfig.from(s))) {
      ids.nextId();
    }
    RedisWorkerIdConfig.from(s);
    ShortCodes.fromSettings(s);
  }

  private static void sharding(Settings s) {
    try (ShardedDataSource<String> ds =
        ShardedDataSource.builder(ShardRouter.jump(16, KeyHasher.strings())).settings(s).build()) {
      ds.shardNames();
    }
  }

  private static void health(Settings s) {
    HealthRegistry health = HealthRegistry.builder().backgroundChecks(false).settings(s).build();
    health.register(JvmChecks.heapAfterGc(s));
    HealthEndpoints endpoints = HealthEndpoints.builder(health).settings(s).build();
    try (HealthHttpServer server = HealthHttpServer.start(endpoints, s)) {
      server.port();
    }
  }

  /**
   * A connector to a port nobody listens on: it fails fast and keeps retrying in the background.
   */
  private static RedisConnector deadRedis() {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return RedisConnector.create(
        RedisSettings.builder()
            .uri("redis://127.0.0.1:" + port)
            .connectTimeout(Duration.ofMillis(200))
            .commandTimeout(Duration.ofMillis(200))
            .build());
  }

  @Test
  void normalisationNamesPlaceholders() {
    Set<String> props = new TreeSet<>(List.of("OPEN_WAIT", "OPEN_WAIT_MAX", "ENABLED"));
    assertThat(normalise("cache", "HEADROOM_CACHE_DOCNAME_LOCAL_TTL", props))
        .isEqualTo("HEADROOM_CACHE_<NAME>_LOCAL_TTL");
    assertThat(normalise("cache", "HEADROOM_BREAKER_CACHE_DOCNAME_OPEN_WAIT_MAX", props))
        .isEqualTo("HEADROOM_BREAKER_CACHE_<NAME>_*");
    assertThat(normalise("sharding", "HEADROOM_BREAKER_DB_DOCNAME_REPLICA0_ENABLED", props))
        .isEqualTo("HEADROOM_BREAKER_DB_<NAME>_REPLICA<I>_*");
    assertThat(normalise("breaker", "HEADROOM_BREAKER_DOCNAME_OPEN_WAIT", props))
        .isEqualTo("HEADROOM_BREAKER_<NAME>_OPEN_WAIT");
    assertThat(normalise("ratelimit", "HEADROOM_RATELIMIT_TIER_PREMIUM_PREMIUM", props))
        .isEqualTo("HEADROOM_RATELIMIT_TIER_<TIER>_<PRESET>");
    assertThat(normalise("ratelimit", "HEADROOM_RATELIMIT_TIER_PRO_MULTIPLIER", props))
        .isEqualTo("HEADROOM_RATELIMIT_TIER_<TIER>_MULTIPLIER");
  }
}
