package io.headroom.examples.shortener;

import io.headroom.breaker.BreakerRegistry;
import io.headroom.core.Settings;
import io.headroom.core.Ticker;
import io.headroom.health.BreakerChecks;
import io.headroom.health.DataSourceChecks;
import io.headroom.health.HealthEndpoints;
import io.headroom.health.HealthMetrics;
import io.headroom.health.HealthRegistry;
import io.headroom.health.JvmChecks;
import io.headroom.health.RedisChecks;
import io.headroom.idgen.IdGenerator;
import io.headroom.idgen.IdGeneratorConfig;
import io.headroom.idgen.ShortCodes;
import io.headroom.idgen.WorkerIdProvider;
import io.headroom.idgen.redis.RedisWorkerIdConfig;
import io.headroom.idgen.redis.RedisWorkerIdProvider;
import io.headroom.redis.RedisConnector;
import io.headroom.redis.RedisSettings;
import io.headroom.sharding.KeyHasher;
import io.headroom.sharding.ShardRouter;
import io.headroom.sharding.ShardedDataSource;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the app's object graph from its {@link ShortenerConfig}: meters, health, breakers, the
 * sharded data source (migrated by Flyway), Redis, the ID generator, the cache, the limiter, the
 * access counts and the HTTP server, then the health checks. Every resource opened is handed to the
 * health registry, which closes them in reverse order at shutdown; if start-up fails half-way, the
 * resources opened so far are closed at once, also in reverse order.
 */
final class Wiring {
  // The app's one logger name, as before the app was split into files.
  private static final Logger log = LoggerFactory.getLogger(ShortenerApp.class);

  private final ShortenerConfig config;
  private final Settings settings;
  private final InstantSource clock;
  private final Ticker ticker;
  private final boolean shutdownHook;
  private final List<AutoCloseable> opened = new ArrayList<>();

  private Wiring(ShortenerConfig config, InstantSource clock, Ticker ticker, boolean shutdownHook) {
    this.config = config;
    this.settings = config.settings;
    this.clock = clock;
    this.ticker = ticker;
    this.shutdownHook = shutdownHook;
  }

  /**
   * Starts the app on {@code config}.
   *
   * @throws io.headroom.core.SettingsException naming the key of a malformed setting
   */
  static ShortenerApp start(
      ShortenerConfig config, InstantSource clock, Ticker ticker, boolean shutdownHook) {
    Wiring w = new Wiring(config, clock, ticker, shutdownHook);
    try {
      return w.wire();
    } catch (RuntimeException e) {
      Collections.reverse(w.opened);
      for (AutoCloseable c : w.opened) {
        try {
          c.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  private ShortenerApp wire() {
    PrometheusMeterRegistry meters = HealthMetrics.prometheusRegistry();
    opened.add(HealthMetrics.bindJvmMetrics(meters));
    HealthRegistry health =
        HealthRegistry.builder()
            .settings(settings)
            .shutdownHook(shutdownHook)
            .meterRegistry(meters)
            .ticker(ticker)
            .build();
    BreakerRegistry breakers =
        BreakerRegistry.builder().meterRegistry(meters).settings(settings).ticker(ticker).build();

    ShardedDataSource<String> shards = shards(meters, breakers);
    LinkStore store = new LinkStore(shards);

    @Nullable RedisConnector redis = null;
    if (config.redis) {
      redis = RedisConnector.create(RedisSettings.from(settings));
      opened.add(redis);
    }
    boolean leased = redis != null && !settings.contains(WorkerIdProvider.WORKER_ID_KEY);
    IdGenerator ids = ids(redis, leased, meters);
    ShortCodes codes = ShortCodes.fromSettings(settings);

    LinkCache cache =
        new LinkCache(
            settings, code -> store.find(code).orElse(null), redis, breakers, meters, ticker);
    opened.add(cache);
    CreateLimiter limiter = CreateLimiter.create(settings, redis, breakers, meters, ticker);
    opened.add(limiter);
    AccessCounts counts = new AccessCounts(store, config.countFlushInterval, meters);
    opened.add(counts);

    HealthEndpoints endpoints =
        HealthEndpoints.builder(health).settings(settings).prometheus(meters).build();
    LinkApi api =
        new LinkApi(
            config.maxExpiresInSeconds,
            store,
            cache,
            limiter,
            counts,
            ids,
            codes,
            clock,
            health.inFlight(),
            new ClientAddress(config.trustedProxies),
            meters);
    Javalin http = Routes.server(api, endpoints, health.inFlight(), config.httpMaxThreads);
    http.start(config.host, config.port);
    opened.add(http::stop);
    String base = config.baseUrl.orElse("http://localhost:" + http.port());
    api.baseUrl = base;

    for (AutoCloseable c : opened) {
      health.register(c);
    }
    opened.clear();
    for (String name : shards.shardNames()) {
      health.register(
          DataSourceChecks.connection("db-" + name, shards.shard(name).read())
              .interval(Duration.ofSeconds(5)));
    }
    if (redis != null) {
      // Non-critical: the app keeps serving without Redis, so an outage is DEGRADED, not DOWN.
      health.register(RedisChecks.ping(redis).critical(false));
    }
    health.register(JvmChecks.deadlocks());
    health.register(BreakerChecks.states(breakers));
    health.refresh();
    health.markStarted();
    log.info(
        "shortener listening on {}:{} (base {}), {} shard(s){}, redis {}, worker ID {} ({})",
        config.host,
        http.port(),
        base,
        shards.shardNames().size(),
        config.embeddedShards ? " (embedded H2 in " + config.dataDir + ")" : "",
        config.redis ? "on" : "off (L1-only cache, local limits)",
        ids.workerId(),
        leased ? "leased from Redis" : WorkerIdProvider.WORKER_ID_KEY);
    return new ShortenerApp(health, http, base, shards, ids, api);
  }

  /** The shards (jump hash over 1024 buckets), each migrated by Flyway. */
  private ShardedDataSource<String> shards(
      PrometheusMeterRegistry meters, BreakerRegistry breakers) {
    ShardedDataSource<String> shards =
        ShardedDataSource.builder(ShardRouter.jump(1024, KeyHasher.strings()))
            .settings(settings)
            .meterRegistry(meters)
            .breakerRegistry(breakers)
            .ticker(ticker)
            .build();
    opened.add(shards);
    for (String name : shards.shardNames()) {
      Flyway.configure()
          .dataSource(shards.shard(name).write())
          .locations("classpath:db/migration/shortener")
          .load()
          .migrate();
    }
    return shards;
  }

  /**
   * The Snowflake generator; with {@code leased}, its worker ID is leased from Redis: unique among
   * live processes without configuring one per process. The first claim in a namespace new to this
   * Redis waits one lease TTL (see idgen's README).
   */
  private IdGenerator ids(
      @Nullable RedisConnector redis, boolean leased, PrometheusMeterRegistry meters) {
    IdGeneratorConfig.Builder idConfig =
        IdGeneratorConfig.builder().settings(settings).meterRegistry(meters);
    if (redis != null && leased) {
      RedisWorkerIdConfig lease =
          RedisWorkerIdConfig.builder().settings(settings).meterRegistry(meters).build();
      idConfig.workerIdProvider(RedisWorkerIdProvider.create(redis, lease));
    }
    IdGenerator ids = IdGenerator.create(idConfig.build());
    opened.add(ids);
    return ids;
  }
}
