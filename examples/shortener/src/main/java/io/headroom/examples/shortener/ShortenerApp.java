package io.headroom.examples.shortener;

import io.headroom.core.Ticker;
import io.headroom.health.HealthRegistry;
import io.headroom.idgen.IdGenerator;
import io.headroom.sharding.ShardedDataSource;
import io.javalin.Javalin;
import java.time.InstantSource;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

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
  private final HealthRegistry health;
  private final Javalin http;
  private final String baseUrl;
  private final ShardedDataSource<String> shards;
  private final IdGenerator ids;
  private final LinkApi api;

  ShortenerApp(
      HealthRegistry health,
      Javalin http,
      String baseUrl,
      ShardedDataSource<String> shards,
      IdGenerator ids,
      LinkApi api) {
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
  LinkApi api() {
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
      return Wiring.start(new ShortenerConfig(env), clock, ticker, shutdownHook);
    }
  }
}
