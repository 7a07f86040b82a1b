package io.headroom.examples.shortener;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.headroom.breaker.BreakerRegistry;
import io.headroom.core.Settings;
import io.headroom.core.Ticker;
import io.headroom.health.BreakerChecks;
import io.headroom.health.CheckConfig;
import io.headroom.health.CheckResult;
import io.headroom.health.DataSourceChecks;
import io.headroom.health.HealthEndpoints;
import io.headroom.health.HealthGroup;
import io.headroom.health.HealthMetrics;
import io.headroom.health.HealthRegistry;
import io.headroom.health.HealthResponse;
import io.headroom.health.InFlightTracker;
import io.headroom.health.JvmChecks;
import io.headroom.idgen.IdGenerator;
import io.headroom.idgen.IdGeneratorConfig;
import io.headroom.idgen.IdGeneratorException;
import io.headroom.idgen.ShortCodes;
import io.headroom.idgen.WorkerIdProvider;
import io.headroom.idgen.redis.RedisWorkerIdConfig;
import io.headroom.idgen.redis.RedisWorkerIdProvider;
import io.headroom.ratelimit.Decision;
import io.headroom.ratelimit.RateLimitHeaders;
import io.headroom.ratelimit.RateLimitPreset;
import io.headroom.ratelimit.RateLimiter;
import io.headroom.redis.RedisConnector;
import io.headroom.redis.RedisSettings;
import io.headroom.sharding.KeyHasher;
import io.headroom.sharding.ShardRouter;
import io.headroom.sharding.ShardUnavailableException;
import io.headroom.sharding.ShardedDataSource;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.flywaydb.core.Flyway;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The URL shortener: one process serving the API, the redirects, the health probes and the metrics
 * on one port.
 *
 * <pre>{@code
 * try (ShortenerApp app = ShortenerApp.builder().env(System::getenv).start()) {
 *   URI api = URI.create(app.baseUrl() + "/api/v1/urls");
 * }
 * }</pre>
 *
 * <p>{@link #close()} runs the health module's shutdown: readiness answers 503 at once, in-flight
 * requests finish, then the HTTP server stops, buffered access counts are flushed, and the Redis
 * connection and the database pools close. Thread-safe.
 */
public final class ShortenerApp implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ShortenerApp.class);
  static final String PROBLEM_JSON = "application/problem+json";
  private static final String JSON = "application/json";
  private static final String SECRET_FILE = "shortcode.secret";
  private static final int MAX_BODY = 16 * 1024;

  private final HealthRegistry health;
  private final Javalin http;
  private final String baseUrl;
  private final ShardedDataSource<String> shards;
  private final IdGenerator ids;
  private final Api api;

  private ShortenerApp(
      HealthRegistry health,
      Javalin http,
      String baseUrl,
      ShardedDataSource<String> shards,
      IdGenerator ids,
      Api api) {
    this.api = api;
    this.health = health;
    this.http = http;
    this.baseUrl = baseUrl;
    this.shards = shards;
    this.ids = ids;
  }

  /** A builder; {@link Builder#start()} starts the app. */
  public static Builder builder() {
    return new Builder();
  }

  /** The port the HTTP server listens on. */
  public int port() {
    return http.port();
  }

  /** The base of short URLs ({@code SHORTENER_BASE_URL}, or {@code http://localhost:<port>}). */
  public String baseUrl() {
    return baseUrl;
  }

  /** The health registry (lifecycle, checks, in-flight requests). */
  public HealthRegistry health() {
    return health;
  }

  ShardedDataSource<String> shards() {
    return shards;
  }

  /** The handlers, for in-process measurements of the request paths without HTTP. */
  Api api() {
    return api;
  }

  /** The Snowflake worker ID this process issues IDs with (fixed, or leased from Redis). */
  long workerId() {
    return ids.workerId();
  }

  /** Drains and stops the app; see the class comment. Idempotent. */
  @Override
  public void close() {
    health.shutdown();
  }

  /** Configures and starts a {@link ShortenerApp}. Not thread-safe. */
  public static final class Builder {
    private Function<String, @Nullable String> env = k -> null;
    private InstantSource clock = InstantSource.system();
    private Ticker ticker = Ticker.system();
    private boolean shutdownHook;

    private Builder() {}

    /** Where settings come from, e.g. {@code System::getenv}; default: none (all defaults). */
    public Builder env(Function<String, @Nullable String> env) {
      this.env = env;
      return this;
    }

    /** Wall time for creation and expiry; default the system clock. */
    public Builder clock(InstantSource clock) {
      this.clock = clock;
      return this;
    }

    /** Monotonic time for limits and breakers; default the system ticker. */
    public Builder ticker(Ticker ticker) {
      this.ticker = ticker;
      return this;
    }

    /** Whether SIGTERM (a JVM shutdown hook) runs the draining shutdown; default false. */
    public Builder shutdownHook(boolean shutdownHook) {
      this.shutdownHook = shutdownHook;
      return this;
    }

    /**
     * Starts the app: pools, migrations, Redis (if configured), caches, limits, HTTP.
     *
     * @throws io.headroom.core.SettingsException naming the key of a malformed setting
     */
    public ShortenerApp start() {
      return Wiring.start(this);
    }
  }

  /** Builds the object graph; kept apart from the handlers so the order of resources is plain. */
  private static final class Wiring {
    private Wiring() {}

    static ShortenerApp start(Builder b) {
      Settings raw = Settings.from(b.env);
      ShortenerConfig config = new ShortenerConfig(raw);
      Settings settings = Settings.from(withDefaults(b.env, raw, config));
      List<AutoCloseable> opened = new ArrayList<>();
      try {
        return wire(b, config, settings, opened);
      } catch (RuntimeException e) {
        Collections.reverse(opened);
        for (AutoCloseable c : opened) {
          try {
            c.close();
          } catch (Exception suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        throw e;
      }
    }

    private static ShortenerApp wire(
        Builder b, ShortenerConfig config, Settings settings, List<AutoCloseable> opened) {
      PrometheusMeterRegistry meters = HealthMetrics.prometheusRegistry();
      opened.add(HealthMetrics.bindJvmMetrics(meters));
      HealthRegistry health =
          HealthRegistry.builder()
              .settings(settings)
              .shutdownHook(b.shutdownHook)
              .meterRegistry(meters)
              .ticker(b.ticker)
              .build();
      BreakerRegistry breakers =
          BreakerRegistry.builder()
              .meterRegistry(meters)
              .settings(settings)
              .ticker(b.ticker)
              .build();

      ShardedDataSource<String> shards =
          ShardedDataSource.builder(ShardRouter.jump(1024, KeyHasher.strings()))
              .settings(settings)
              .meterRegistry(meters)
              .breakerRegistry(breakers)
              .ticker(b.ticker)
              .build();
      opened.add(shards);
      for (String name : shards.shardNames()) {
        Flyway.configure()
            .dataSource(shards.shard(name).write())
            .locations("classpath:db/migration/shortener")
            .load()
            .migrate();
      }
      LinkStore store = new LinkStore(shards);

      @Nullable RedisConnector redis = null;
      if (config.redis) {
        redis = RedisConnector.create(RedisSettings.from(settings));
        opened.add(redis);
      }

      IdGeneratorConfig.Builder idConfig =
          IdGeneratorConfig.builder().settings(settings).meterRegistry(meters);
      if (redis != null && !settings.contains(WorkerIdProvider.WORKER_ID_KEY)) {
        // Leased: unique among live processes without configuring one per process. The first
        // claim in a namespace new to this Redis waits one lease TTL (see idgen's README).
        RedisWorkerIdConfig lease =
            RedisWorkerIdConfig.builder().settings(settings).meterRegistry(meters).build();
        idConfig.workerIdProvider(RedisWorkerIdProvider.create(redis, lease));
      }
      IdGenerator ids = IdGenerator.create(idConfig.build());
      opened.add(ids);
      ShortCodes codes = ShortCodes.fromSettings(settings);

      LinkCache cache = new LinkCache(config, store, redis, breakers, meters, b.ticker);
      opened.add(cache);
      CreateLimiter limiter = Seams.limiter(settings, redis, breakers, meters, b.ticker);
      opened.add(limiter);
      AccessCounts counts = new AccessCounts(store, config.countFlushInterval, meters);
      opened.add(counts);

      HealthEndpoints endpoints =
          HealthEndpoints.builder(health).settings(settings).prometheus(meters).build();
      Api api =
          new Api(
              config,
              store,
              cache,
              limiter,
              counts,
              ids,
              codes,
              b.clock,
              health.inFlight(),
              new ClientAddress(config.trustedProxies),
              meters);
      Javalin http = api.server(endpoints);
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
        RedisConnector r = redis;
        health.register(
            CheckConfig.builder(
                    "redis",
                    () -> {
                      r.await(r.ping());
                      return CheckResult.up();
                    })
                .groups(HealthGroup.READINESS)
                .dependency(true)
                .critical(false)
                .interval(Duration.ofSeconds(5))
                .timeout(Duration.ofSeconds(1)));
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
          redis != null && !settings.contains(WorkerIdProvider.WORKER_ID_KEY)
              ? "leased from Redis"
              : WorkerIdProvider.WORKER_ID_KEY);
      return new ShortenerApp(health, http, base, shards, ids, api);
    }

    /**
     * The embedded defaults: two H2 file shards under the data directory, worker ID 0 when there is
     * no Redis to lease one from, and a short-code secret kept in the data directory.
     */
    private static Function<String, @Nullable String> withDefaults(
        Function<String, @Nullable String> env, Settings raw, ShortenerConfig config) {
      Map<String, String> defaults = new LinkedHashMap<>();
      if (config.embeddedShards) {
        Path dir = config.dataDir;
        defaults.put(ShortenerConfig.SHARDS, h2Url(dir, "shard0") + "," + h2Url(dir, "shard1"));
        // Opening an H2 file database (recovery, first page reads) can take seconds on a busy
        // machine; a PostgreSQL pool keeps the module's 2s default.
        defaults.put("HEADROOM_SHARDS_CONNECTION_TIMEOUT", "10s");
      }
      if (config.redis) {
        // Leased worker IDs (unless HEADROOM_WORKER_ID is set). Heartbeat and safety margin
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
        if (!config.embeddedShards) {
          throw raw.invalid(
              ShortCodes.SECRET_KEY,
              "",
              "required when " + ShortenerConfig.SHARDS + " is set (every node must share it)");
        }
        defaults.put(ShortCodes.SECRET_KEY, localSecret(config.dataDir));
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

  /** The HTTP handlers. */
  static final class Api {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ShortenerConfig config;
    private final LinkStore store;
    private final LinkCache cache;
    private final CreateLimiter limiter;
    private final AccessCounts counts;
    private final IdGenerator ids;
    private final ShortCodes codes;
    private final InstantSource clock;
    private final InFlightTracker inFlight;
    private final ClientAddress clients;
    private final Counter created;
    private final Counter redirected;
    private final Counter notFound;
    private final Counter expired;
    private final Counter limited;
    volatile String baseUrl = "";

    Api(
        ShortenerConfig config,
        LinkStore store,
        LinkCache cache,
        CreateLimiter limiter,
        AccessCounts counts,
        IdGenerator ids,
        ShortCodes codes,
        InstantSource clock,
        InFlightTracker inFlight,
        ClientAddress clients,
        PrometheusMeterRegistry meters) {
      this.config = config;
      this.store = store;
      this.cache = cache;
      this.limiter = limiter;
      this.counts = counts;
      this.ids = ids;
      this.codes = codes;
      this.clock = clock;
      this.inFlight = inFlight;
      this.clients = clients;
      this.created =
          Counter.builder("shortener.urls.shortened").description("links created").register(meters);
      this.redirected = redirects(meters, "found");
      this.notFound = redirects(meters, "not_found");
      this.expired = redirects(meters, "expired");
      this.limited =
          Counter.builder("shortener.create.rejected")
              .description("creations refused by the rate limiter")
              .tag("reason", "rate_limited")
              .register(meters);
    }

    private static Counter redirects(PrometheusMeterRegistry meters, String result) {
      return Counter.builder("shortener.redirects")
          .description("redirect lookups by result")
          .tag("result", result)
          .register(meters);
    }

    Javalin server(HealthEndpoints endpoints) {
      Handler probe =
          ctx -> {
            HealthResponse r = endpoints.handle(ctx.method().name(), ctx.path(), ctx::header);
            r.headers().forEach(ctx::header);
            ctx.status(r.status()).contentType(r.contentType()).result(r.bodyBytes());
          };
      Javalin app =
          Javalin.create(
              c -> {
                c.showJavalinBanner = false;
                c.startupWatcherEnabled = false;
                c.http.maxRequestSize = MAX_BODY;
                c.http.disableCompression();
                c.router.ignoreTrailingSlashes = true;
                QueuedThreadPool pool =
                    new QueuedThreadPool(config.httpMaxThreads, Math.min(8, config.httpMaxThreads));
                pool.setName("shortener-http");
                c.jetty.threadPool = pool;
                c.jetty.modifyServletContextHandler(
                    h ->
                        h.addFilter(
                            new FilterHolder(new RedirectFilter(this)),
                            "/*",
                            EnumSet.of(DispatcherType.REQUEST)));
              });
      app.get("/health", probe);
      app.get("/health/{probe}", probe);
      app.get("/metrics", probe);
      app.post("/api/v1/urls", tracked(this::create));
      app.get("/api/v1/urls/{code}", tracked(this::stats));
      app.get("/{code}", tracked(this::redirect));
      app.exception(ProblemException.class, (e, ctx) -> problem(ctx, e));
      app.exception(
          HttpResponseException.class,
          (e, ctx) ->
              problem(
                  ctx,
                  new ProblemException(
                      e.getStatus(),
                      e.getStatus() == 404 ? "not-found" : "http-" + e.getStatus(),
                      reason(e.getStatus()),
                      String.valueOf(e.getMessage()))));
      app.exception(ShardUnavailableException.class, (e, ctx) -> problem(ctx, shardDown()));
      app.exception(IdGeneratorException.class, (e, ctx) -> problem(ctx, noIds(e)));
      app.exception(
          Exception.class,
          (e, ctx) -> {
            log.error("unexpected failure on {} {}", ctx.method(), ctx.path(), e);
            problem(ctx, internal());
          });
      app.error(
          404,
          ctx -> {
            if (!isProblem(ctx)) {
              problem(ctx, ProblemException.notFound("no resource at " + ctx.path()));
            }
          });
      app.error(
          405,
          ctx -> {
            if (!isProblem(ctx)) {
              problem(
                  ctx,
                  new ProblemException(
                      405,
                      "method-not-allowed",
                      "Method Not Allowed",
                      ctx.method() + " not allowed"));
            }
          });
      return app;
    }

    private static ProblemException shardDown() {
      return new ProblemException(
          503,
          "database-unavailable",
          "Service Unavailable",
          "the shard holding this code is unavailable; try again shortly",
          Map.of("Retry-After", "5"));
    }

    /**
     * No ID can be issued: the worker lease lapsed (Redis unreachable) or the clock stepped back.
     */
    private static ProblemException noIds(IdGeneratorException e) {
      log.warn("cannot issue an ID: {}", e.getMessage());
      return new ProblemException(
          503,
          "id-unavailable",
          "Service Unavailable",
          "no link ID can be issued right now; try again shortly",
          Map.of("Retry-After", "5"));
    }

    private static ProblemException internal() {
      return new ProblemException(
          500, "internal", "Internal Server Error", "an unexpected error occurred");
    }

    /** Counts the request as in flight, so that draining waits for it. */
    private Handler tracked(Handler handler) {
      return ctx -> {
        InFlightTracker.Request r = inFlight.begin();
        try {
          handler.handle(ctx);
        } finally {
          r.close();
        }
      };
    }

    private static boolean isProblem(Context ctx) {
      String ct = ctx.res().getContentType();
      return ct != null && ct.startsWith(PROBLEM_JSON);
    }

    void create(Context ctx) throws Exception {
      {
        String client = clients.resolve(ctx.req().getRemoteAddr(), ctx.header("X-Forwarded-For"));
        CreateLimiter.Verdict v = limiter.tryAcquire(client);
        v.headers().forEach(ctx::header);
        if (v.outcome() == CreateLimiter.Outcome.LIMITED) {
          limited.increment();
          throw new ProblemException(
              429,
              "rate-limited",
              "Too Many Requests",
              "creation limit reached for this client; retry after "
                  + v.headers().getOrDefault("Retry-After", "?")
                  + " s",
              v.headers());
        }
        if (v.outcome() == CreateLimiter.Outcome.UNAVAILABLE) {
          throw new ProblemException(
              503,
              "limiter-unavailable",
              "Service Unavailable",
              "the rate limiter cannot decide right now and is configured to fail closed",
              v.headers());
        }
        String ct = ctx.contentType();
        if (ct == null || !mediaType(ct).equals(JSON)) {
          throw new ProblemException(
              415,
              "unsupported-media-type",
              "Unsupported Media Type",
              "send the request body as application/json, not " + (ct == null ? "nothing" : ct));
        }
        JsonNode body;
        try {
          body = MAPPER.readTree(body(ctx));
        } catch (JsonProcessingException e) {
          throw ProblemException.badRequest(
              "malformed-json",
              "Malformed JSON",
              "the body is not valid JSON: " + e.getOriginalMessage());
        }
        if (body == null || !body.isObject()) {
          throw ProblemException.badRequest(
              "invalid-request", "Invalid Request", "the body must be a JSON object");
        }
        JsonNode urlNode = body.get("url");
        if (urlNode == null || urlNode.isNull()) {
          throw ProblemException.badRequest("invalid-url", "Invalid URL", "url is required");
        }
        if (!urlNode.isTextual()) {
          throw ProblemException.badRequest("invalid-url", "Invalid URL", "url must be a string");
        }
        String url = UrlValidator.validate(urlNode.textValue());
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        @Nullable Instant expiresAt = null;
        JsonNode exp = body.get("expiresInSeconds");
        if (exp != null && !exp.isNull()) {
          if (!exp.isIntegralNumber() || !exp.canConvertToLong()) {
            throw ProblemException.badRequest(
                "invalid-expiry", "Invalid Expiry", "expiresInSeconds must be a whole number");
          }
          long s = exp.longValue();
          if (s < 1 || s > config.maxExpiresInSeconds) {
            throw ProblemException.badRequest(
                "invalid-expiry",
                "Invalid Expiry",
                "expiresInSeconds must be in [1, " + config.maxExpiresInSeconds + "], got " + s);
          }
          expiresAt = now.plusSeconds(s);
        }
        long id = ids.nextId();
        Link link = new Link(codes.encode(id), id, url, now, expiresAt);
        store.insert(link);
        cache.put(link);
        created.increment();
        ctx.status(201).header("Location", baseUrl + "/" + link.code()).contentType(JSON);
        write(ctx, MAPPER.writeValueAsBytes(view(link, null)));
      }
    }

    /** {@code GET /{code}} for what {@link RedirectFilter} leaves to Javalin (never a code). */
    void redirect(Context ctx) {
      ctx.status(302).header("Location", redirectTarget(ctx.pathParam("code")));
    }

    /**
     * {@code GET /{code}} on the hot path ({@link RedirectFilter}): a 302, or a problem answer. An
     * L1 hit allocates nothing here but the in-flight marker.
     */
    void redirect(String code, HttpServletResponse res) throws IOException {
      InFlightTracker.Request r = inFlight.begin();
      try {
        String target;
        try {
          target = redirectTarget(code);
        } catch (ProblemException e) {
          problem(res, e);
          return;
        } catch (ShardUnavailableException e) {
          problem(res, shardDown());
          return;
        } catch (RuntimeException e) {
          log.error("unexpected failure on GET /{}", printable(code), e);
          problem(res, internal());
          return;
        }
        res.setStatus(302);
        res.setHeader("Location", target);
        res.setContentLength(0);
      } finally {
        r.close();
      }
    }

    /**
     * The URL {@code code} redirects to; counts the access.
     *
     * @throws ProblemException 404 for an unknown code or a string that cannot be one, 410 once the
     *     link has expired
     */
    String redirectTarget(String code) {
      Link link = lookup(code);
      if (link == null) {
        notFound.increment();
        throw ProblemException.notFound("no link with code '" + printable(code) + "'");
      }
      if (link.expiresAt() != null && link.expiredAt(clock.instant())) {
        expired.increment();
        throw new ProblemException(
            410, "expired", "Gone", "the link '" + code + "' expired at " + link.expiresAt());
      }
      counts.increment(code);
      redirected.increment();
      return link.url();
    }

    void stats(Context ctx) throws Exception {
      {
        String code = ctx.pathParam("code");
        Link link = lookup(code);
        if (link == null) {
          throw ProblemException.notFound("no link with code '" + printable(code) + "'");
        }
        long count = counts.total(code, c -> store.accessCount(c).orElse(0L));
        Map<String, Object> view = view(link, count);
        view.put("expired", link.expiredAt(clock.instant()));
        ctx.status(200).contentType(JSON).result(MAPPER.writeValueAsBytes(view));
      }
    }

    /** The link, or null when the code is unknown or cannot be a code at all. */
    private @Nullable Link lookup(String code) {
      if (code.isEmpty() || code.length() > ShortCodes.MAX_LENGTH) {
        return null;
      }
      try {
        codes.decode(code);
      } catch (IllegalArgumentException e) {
        return null;
      }
      return cache.get(code).orElse(null);
    }

    /**
     * Writes {@code bytes} as the whole body. {@code ctx.result(bytes)} would have Javalin copy
     * them through a fresh buffer of its own on every answer.
     */
    private static void write(Context ctx, byte[] bytes) throws IOException {
      ctx.res().setContentLength(bytes.length);
      ctx.res().getOutputStream().write(bytes);
    }

    /**
     * The request body, read into an array of its own size. Javalin's {@code bodyAsBytes()} copies
     * through two 8 KiB buffers: in the load test's profile that was over half of what a creation
     * allocated.
     */
    private static byte[] body(Context ctx) throws IOException {
      long declared = ctx.req().getContentLengthLong();
      if (declared > MAX_BODY) {
        throw tooLarge();
      }
      byte[] bytes =
          ctx.req().getInputStream().readNBytes(declared >= 0 ? (int) declared : MAX_BODY + 1);
      if (bytes.length > MAX_BODY) {
        throw tooLarge();
      }
      return bytes;
    }

    private static ProblemException tooLarge() {
      return new ProblemException(
          413,
          "body-too-large",
          "Content Too Large",
          "the request body must be at most " + MAX_BODY + " bytes");
    }

    private Map<String, Object> view(Link link, @Nullable Long accessCount) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("code", link.code());
      m.put("shortUrl", baseUrl + "/" + link.code());
      m.put("url", link.url());
      m.put("createdAt", link.createdAt().toString());
      Instant exp = link.expiresAt();
      m.put("expiresAt", exp == null ? null : exp.toString());
      if (accessCount != null) {
        m.put("accessCount", accessCount);
      }
      return m;
    }

    private static String printable(String s) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < s.length() && i < 64; i++) {
        char c = s.charAt(i);
        b.append(c < 0x20 || c == 0x7f || c == '\'' ? '?' : c);
      }
      return b.toString();
    }

    private static String mediaType(String contentType) {
      int semi = contentType.indexOf(';');
      return (semi < 0 ? contentType : contentType.substring(0, semi))
          .trim()
          .toLowerCase(Locale.ROOT);
    }

    static void problem(Context ctx, ProblemException e) {
      e.headers().forEach(ctx::header);
      ctx.status(e.status()).contentType(PROBLEM_JSON).result(problemBytes(e));
    }

    static void problem(HttpServletResponse res, ProblemException e) throws IOException {
      e.headers().forEach(res::setHeader);
      byte[] bytes = problemBytes(e);
      res.setStatus(e.status());
      res.setContentType(PROBLEM_JSON);
      res.setContentLength(bytes.length);
      res.getOutputStream().write(bytes);
    }

    private static byte[] problemBytes(ProblemException e) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("type", e.type());
      body.put("title", e.title());
      body.put("status", e.status());
      body.put("detail", e.detail());
      try {
        return MAPPER.writeValueAsBytes(body);
      } catch (JsonProcessingException ex) {
        return ("{\"status\":" + e.status() + "}").getBytes(StandardCharsets.UTF_8);
      }
    }

    private static String reason(int status) {
      return switch (status) {
        case 400 -> "Bad Request";
        case 404 -> "Not Found";
        case 405 -> "Method Not Allowed";
        case 413 -> "Content Too Large";
        case 415 -> "Unsupported Media Type";
        default -> "HTTP " + status;
      };
    }
  }

  /** Chooses the cache and limiter implementations. */
  static final class Seams {
    /** The limiter's name: its settings are {@code HEADROOM_RATELIMIT_CREATE_*}. */
    static final String LIMITER_NAME = "create";

    private Seams() {}

    static CreateLimiter limiter(
        Settings settings,
        @Nullable RedisConnector redis,
        BreakerRegistry breakers,
        PrometheusMeterRegistry meters,
        Ticker ticker) {
      RateLimiter.Builder b =
          RateLimiter.builder(LIMITER_NAME)
              .preset(RateLimitPreset.WRITE)
              .breakerRegistry(breakers)
              .meterRegistry(meters)
              .ticker(ticker);
      if (redis != null) {
        b.redis(redis);
      }
      RateLimiter limiter = b.settings(settings).build();
      return client -> {
        Decision d = limiter.tryAcquire(client);
        Map<String, String> headers = RateLimitHeaders.of(d);
        return switch (d.reason()) {
          case DENIED, COST_EXCEEDS_LIMIT ->
              new CreateLimiter.Verdict(CreateLimiter.Outcome.LIMITED, headers);
          case UNAVAILABLE -> new CreateLimiter.Verdict(CreateLimiter.Outcome.UNAVAILABLE, headers);
          default -> new CreateLimiter.Verdict(CreateLimiter.Outcome.ALLOWED, headers);
        };
      };
    }
  }
}
