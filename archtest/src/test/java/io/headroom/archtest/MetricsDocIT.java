package io.headroom.archtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.breaker.Breaker;
import io.headroom.breaker.BreakerPreset;
import io.headroom.breaker.BreakerRegistry;
import io.headroom.cache.CacheCodec;
import io.headroom.cache.TieredCache;
import io.headroom.health.BreakerChecks;
import io.headroom.health.CheckConfig;
import io.headroom.health.CheckResult;
import io.headroom.health.DataSourceChecks;
import io.headroom.health.HealthMetrics;
import io.headroom.health.HealthRegistry;
import io.headroom.health.JvmChecks;
import io.headroom.health.RedisChecks;
import io.headroom.idgen.IdGenerator;
import io.headroom.idgen.IdGeneratorConfig;
import io.headroom.idgen.redis.RedisWorkerIdConfig;
import io.headroom.idgen.redis.RedisWorkerIdProvider;
import io.headroom.ratelimit.RateLimitPreset;
import io.headroom.ratelimit.RateLimiter;
import io.headroom.redis.RedisConnector;
import io.headroom.redis.RedisSettings;
import io.headroom.sharding.Endpoint;
import io.headroom.sharding.KeyHasher;
import io.headroom.sharding.ShardRouter;
import io.headroom.sharding.ShardedDataSource;
import io.headroom.testkit.fixtures.PostgresFixture;
import io.headroom.testkit.fixtures.RedisFixture;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code docs/metrics.md} lists exactly the meters the modules register, with their type, tags and
 * unit.
 *
 * <p>Every module's components are built on real Redis and PostgreSQL (testkit fixtures) with one
 * {@link PrometheusMeterRegistry}, the registry an application scrapes, and used once (a get, a
 * decision, an ID, a query, a health refresh). Each meter name is attributed to the first module
 * whose components registered it. Components are named {@value #NAME} or {@code docname-*}, so a
 * tag whose values include that name is a name tag and is documented by its key alone; every other
 * tag is documented with its values. Meters of Micrometer's own JVM, process and system binders
 * ({@link #THIRD_PARTY}) are left out: they are Micrometer's, documented there.
 *
 * <p>The test fails when a registered meter is not in the document, when a documented meter is not
 * registered, when its type, tags or unit differ, when a row still says {@code TODO}, or when the
 * Prometheus registry refused a meter (two meters of one name with different tag keys).
 *
 * <p>{@code -Dheadroom.docs.write=true} rewrites the name, type, tags and unit columns instead,
 * keeping the meaning column of the rows that still exist; new meters get a {@code TODO} meaning.
 * Meters registered lazily, on a path this test does not take (an error, a timeout), are not seen.
 */
class MetricsDocIT {
  @RegisterExtension static final RedisFixture redis = RedisFixture.standalone();
  @RegisterExtension static final PostgresFixture pg = PostgresFixture.create();

  /** The name given to every component, so that name tags can be told from bounded tags. */
  static final String NAME = "docname";

  /** Meter name prefixes of Micrometer's binders, which the application binds and documents. */
  static final List<String> THIRD_PARTY = List.of("jvm.", "process.", "system.");

  private static final List<String> HEADER = List.of("meter", "type", "tags", "unit", "meaning");

  /** One meter name as registered: its machine-written cells and its description. */
  record Observed(
      String module, String name, String type, String tags, String unit, String description) {
    List<String> cells() {
      return List.of("`" + name + "`", type, tags, unit);
    }
  }

  @Test
  void theMetricsTableListsEveryMeterTheModulesRegisterAndNoOther() throws Exception {
    List<String> refused = new ArrayList<>();
    Map<String, Observed> observed = observe(refused);
    var doc = DocTables.doc("metrics.md");
    List<String> lines = DocTables.read(doc);
    List<DocTables.Row> rows = DocTables.rows(lines);

    if (DocTables.writeMode()) {
      DocTables.write(doc, DocTables.rewrite(lines, tables(observed, rows), HEADER));
    }
    assertThat(refused).as("meters the Prometheus registry refused").isEmpty();
    if (DocTables.writeMode()) {
      return;
    }

    Map<String, DocTables.Row> documented = new LinkedHashMap<>();
    List<String> duplicated = new ArrayList<>();
    List<String> todo = new ArrayList<>();
    for (DocTables.Row r : rows) {
      if (documented.put(r.key(), r) != null) {
        duplicated.add(r.key());
      }
      if (String.join("|", r.cells()).contains("TODO")) {
        todo.add(r.key());
      }
    }
    List<String> missing = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    for (Observed o : observed.values()) {
      DocTables.Row r = documented.get(o.name());
      if (r == null) {
        missing.add(o.name() + " (" + o.module() + ")");
      } else if (r.cells().size() < HEADER.size() || !r.cells().subList(0, 4).equals(o.cells())) {
        changed.add(
            o.name()
                + ": documented \""
                + String.join(" | ", r.cells().subList(1, Math.min(4, r.cells().size())))
                + "\", registered \""
                + String.join(" | ", o.cells().subList(1, 4))
                + "\"");
      }
    }
    List<String> stale =
        documented.keySet().stream().filter(k -> !observed.containsKey(k)).toList();

    assertThat(
            missing.isEmpty()
                && stale.isEmpty()
                && changed.isEmpty()
                && todo.isEmpty()
                && duplicated.isEmpty())
        .as(
            "docs/metrics.md does not match the meters the modules register.%n"
                + "Registered but not in the table: %s%n"
                + "In the table but not registered: %s%n"
                + "Type, tags or unit differ: %s%n"
                + "Rows still to describe (TODO): %s%n"
                + "Listed twice: %s%n"
                + "Regenerate the name, type, tags and unit columns with%n  %s%n"
                + "then fill in the TODO cells and review the diff.",
            missing, stale, changed, todo, duplicated, SettingsDocTest.REGENERATE)
        .isTrue();
  }

  /** Keeps each row's meaning, rewrites its machine cells, adds the new meters with TODO. */
  private static Map<String, List<List<String>>> tables(
      Map<String, Observed> observed, List<DocTables.Row> rows) {
    Map<String, List<List<String>>> tables = new LinkedHashMap<>();
    Set<String> kept = new HashSet<>();
    for (DocTables.Row r : rows) {
      List<List<String>> table = tables.computeIfAbsent(r.module(), m -> new ArrayList<>());
      Observed o = observed.get(r.key());
      if (o != null && kept.add(o.name())) {
        List<String> cells = new ArrayList<>(o.cells());
        if (r.cells().size() > 4) {
          cells.addAll(r.cells().subList(4, r.cells().size()));
        } else {
          cells.add(DocTables.TODO);
        }
        table.add(cells);
      }
    }
    for (Observed o : observed.values()) {
      if (kept.add(o.name())) {
        List<String> cells = new ArrayList<>(o.cells());
        cells.add(
            DocTables.TODO
                + (o.description().isEmpty() ? "" : " (code says: " + o.description() + ")"));
        tables.computeIfAbsent(o.module(), m -> new ArrayList<>()).add(cells);
      }
    }
    return tables;
  }

  // ------------------------------------------------------------------ observation

  /** Meter name -> what was registered under it, in module order. */
  static Map<String, Observed> observe(List<String> refused) throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry
        .config()
        .onMeterRegistrationFailed((id, reason) -> refused.add(id.getName() + ": " + reason));
    Map<String, String> moduleOf = new LinkedHashMap<>();
    List<AutoCloseable> open = new ArrayList<>();
    try (RedisConnector connector = RedisConnector.create(RedisSettings.of(redis.uri()))) {
      try {
        World w = new World(registry, connector, open);
        attribute(registry, moduleOf, "breaker", w, MetricsDocIT::breaker);
        attribute(registry, moduleOf, "redis", w, MetricsDocIT::redis);
        attribute(registry, moduleOf, "cache", w, MetricsDocIT::cache);
        attribute(registry, moduleOf, "ratelimit", w, MetricsDocIT::ratelimit);
        attribute(registry, moduleOf, "idgen", w, MetricsDocIT::idgen);
        attribute(registry, moduleOf, "sharding", w, MetricsDocIT::sharding);
        attribute(registry, moduleOf, "health", w, MetricsDocIT::health);
        return collect(registry, moduleOf);
      } finally {
        for (int i = open.size() - 1; i >= 0; i--) {
          open.get(i).close();
        }
      }
    } finally {
      registry.close();
    }
  }

  /** What every module's components are built with. */
  record World(MeterRegistry registry, RedisConnector redis, List<AutoCloseable> open) {
    <T extends AutoCloseable> T keep(T resource) {
      open.add(resource);
      return resource;
    }
  }

  @FunctionalInterface
  interface Pass {
    void build(World w) throws Exception;
  }

  private static void attribute(
      MeterRegistry registry, Map<String, String> moduleOf, String module, World w, Pass m)
      throws Exception {
    m.build(w);
    for (Meter meter : registry.getMeters()) {
      moduleOf.putIfAbsent(meter.getId().getName(), module);
    }
  }

  private static Map<String, Observed> collect(
      MeterRegistry registry, Map<String, String> moduleOf) {
    Map<String, List<Meter.Id>> byName = new TreeMap<>();
    for (Meter meter : registry.getMeters()) {
      Meter.Id id = meter.getId();
      if (THIRD_PARTY.stream().noneMatch(id.getName()::startsWith)) {
        byName.computeIfAbsent(id.getName(), n -> new ArrayList<>()).add(id);
      }
    }
    Map<String, Observed> observed = new LinkedHashMap<>();
    for (String module : new LinkedHashSet<>(moduleOf.values())) {
      for (Map.Entry<String, List<Meter.Id>> e : byName.entrySet()) {
        if (module.equals(moduleOf.get(e.getKey()))) {
          observed.put(e.getKey(), describe(module, e.getKey(), e.getValue()));
        }
      }
    }
    return observed;
  }

  /** The cells of one meter name: types, tags (name tags by key, others with values), units. */
  static Observed describe(String module, String name, List<Meter.Id> ids) {
    Set<String> types = new TreeSet<>();
    Set<String> units = new TreeSet<>();
    Set<String> keySets = new TreeSet<>();
    String description = "";
    Map<String, Set<String>> tags = new TreeMap<>();
    for (Meter.Id id : ids) {
      types.add(id.getType().name().toLowerCase(Locale.ROOT));
      String unit = id.getBaseUnit();
      units.add(unit == null ? "-" : unit);
      String d = id.getDescription();
      if (d != null && (description.isEmpty() || d.length() < description.length())) {
        description = d; // the shortest is usually the general one
      }
      Set<String> keys = new TreeSet<>();
      for (Tag t : id.getTagsAsIterable()) {
        keys.add(t.getKey());
        tags.computeIfAbsent(t.getKey(), k -> new TreeSet<>()).add(t.getValue());
      }
      keySets.add(String.join(",", keys));
    }
    List<String> rendered = new ArrayList<>();
    for (Map.Entry<String, Set<String>> t : tags.entrySet()) {
      boolean nameTag =
          t.getValue().stream().anyMatch(v -> v.toLowerCase(Locale.ROOT).contains(NAME));
      rendered.add(
          nameTag
              ? "`" + t.getKey() + "`"
              : "`" + t.getKey() + "=" + String.join("\\|", t.getValue()) + "`");
    }
    String tagCell = rendered.isEmpty() ? "-" : String.join(", ", rendered);
    if (keySets.size() > 1) {
      tagCell += " (INCONSISTENT tag keys: " + keySets + ")";
    }
    return new Observed(
        module, name, String.join("/", types), tagCell, String.join("/", units), description);
  }

  // ------------------------------------------------------------------ the modules
  // One method per module: what an application builds with a meter registry, used once. When a
  // module's API changes, fix it here.

  private static void breaker(World w) {
    Breaker b =
        BreakerRegistry.builder()
            .meterRegistry(w.registry())
            .build()
            .breaker(NAME, BreakerPreset.REDIS);
    b.call(() -> "ok");
    b.call(
        () -> {
          throw new IllegalStateException("docs");
        },
        e -> "fallback");
  }

  private static void redis(World w) {
    w.redis().await(w.redis().set("docs", new byte[] {1}, Duration.ofSeconds(10)));
  }

  private static void cache(World w) {
    TieredCache<String, String> cache =
        w.keep(
            TieredCache.<String, String>builder(NAME)
                .local(100, Duration.ofMinutes(1))
                .remote(w.redis(), Duration.ofMinutes(5))
                .codec(CacheCodec.string())
                .loader(k -> "v-" + k)
                .meterRegistry(w.registry())
                .build());
    cache.get("a");
    cache.get("a");
    cache.put("b", "x");
    cache.invalidate("b");
  }

  private static void ratelimit(World w) {
    RateLimiter.builder(NAME + "-local")
        .preset(RateLimitPreset.API)
        .meterRegistry(w.registry())
        .build()
        .tryAcquire("k");
    RateLimiter.builder(NAME + "-redis")
        .preset(RateLimitPreset.API)
        .redis(w.redis())
        .meterRegistry(w.registry())
        .build()
        .tryAcquire("k");
  }

  private static void idgen(World w) {
    IdGenerator fixed =
        w.keep(
            IdGenerator.create(
                IdGeneratorConfig.builder()
                    .name(NAME)
                    .workerId(1)
                    .meterRegistry(w.registry())
                    .build()));
    fixed.nextId();
    RedisWorkerIdProvider leases =
        RedisWorkerIdProvider.create(
            w.redis(),
            RedisWorkerIdConfig.builder()
                .namespace(NAME)
                .ttl(Duration.ofSeconds(2))
                .heartbeatInterval(Duration.ofMillis(400))
                .safetyMargin(Duration.ofMillis(800))
                .meterRegistry(w.registry())
                .build());
    IdGenerator leased =
        w.keep(
            IdGenerator.create(
                IdGeneratorConfig.builder()
                    .name(NAME + "-leased")
                    .workerIdProvider(leases)
                    .meterRegistry(w.registry())
                    .build()));
    leased.nextId();
  }

  private static void sharding(World w) throws SQLException {
    @Nullable String password = pg.password().isEmpty() ? null : pg.password();
    Endpoint primary = new Endpoint(pg.newDatabase().jdbcUrl(), pg.user(), password);
    Endpoint replica = new Endpoint(pg.newDatabase().jdbcUrl(), pg.user(), password);
    ShardedDataSource<String> shards =
        w.keep(
            ShardedDataSource.builder(ShardRouter.jump(16, KeyHasher.strings()))
                .meterRegistry(w.registry())
                .shard(NAME, primary, replica)
                .build());
    shards.forKey("k").write(MetricsDocIT::selectOne);
    shards.forKey("other").read(MetricsDocIT::selectOne);
  }

  private static int selectOne(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("SELECT 1");
    }
    return 1;
  }

  private static void health(World w) {
    BreakerRegistry breakers = BreakerRegistry.builder().build();
    breakers.breaker(NAME + "-health", BreakerPreset.DATABASE);
    HealthRegistry health =
        HealthRegistry.builder().meterRegistry(w.registry()).backgroundChecks(false).build();
    health.register(JvmChecks.heapAfterGc(0.9));
    health.register(RedisChecks.ping(NAME + "-redis", w.redis()));
    health.register(DataSourceChecks.connection(NAME + "-db", pg.dataSource()));
    health.register(BreakerChecks.states(breakers));
    health.register(CheckConfig.builder(NAME, CheckResult::up));
    health.refresh();
    health.report();
    w.keep(HealthMetrics.bindJvmMetrics(w.registry()));
  }
}
