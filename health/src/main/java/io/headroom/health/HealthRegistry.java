package io.headroom.health;

import io.headroom.core.Checks;
import io.headroom.core.Settings;
import io.headroom.core.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The health of one service: named checks in the liveness, readiness and startup groups, run in the
 * background, plus the service's {@link Lifecycle} and its graceful shutdown.
 *
 * <pre>{@code
 * HealthRegistry health = HealthRegistry.builder().settings(Settings.fromEnvironment()).build();
 * health.register(JvmChecks.deadlocks());
 * health.register(DataSourceChecks.connection("db", dataSource));
 * health.register(pool);                       // closed on shutdown, in reverse order
 * HealthHttpServer server = HealthHttpServer.start(HealthEndpoints.builder(health).build(), 8081);
 * health.markStarted();                        // startup and readiness may now answer 200
 * }</pre>
 *
 * <p>Probes never run a check: each check runs on its own interval on a small background scheduler
 * and a probe reads the last snapshot, so it answers in microseconds however slow a dependency is.
 * A snapshot older than its check's {@code staleAfter} reports {@link Status#UNKNOWN}.
 *
 * <p>Shutdown ({@link #shutdown()}, or SIGTERM through {@link Builder#shutdownHook(boolean)}):
 * readiness turns {@link Status#OUT_OF_SERVICE} at once while the application keeps serving; after
 * the drain delay, in-flight requests (see {@link #inFlight()}) get up to the drain timeout to
 * finish; then registered resources close in reverse order of registration, and the lifecycle
 * becomes {@link Lifecycle#STOPPED}. Liveness stays up throughout.
 *
 * <p>Thread-safe.
 */
public interface HealthRegistry {

  /** A builder with the defaults: system time, background checks, 5s drain delay, no hook. */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Registers a check, which starts running in the background at once (unless background checks are
   * off).
   *
   * @return this registry
   * @throws NullPointerException if {@code config} is null
   * @throws IllegalArgumentException if a check of the same name is registered
   * @throws IllegalStateException if the registry is shutting down
   */
  HealthRegistry register(CheckConfig config);

  /**
   * Builds and registers a check; see {@link #register(CheckConfig)}.
   *
   * @return this registry
   * @throws IllegalStateException if the configuration is invalid (such as a dependency check in
   *     liveness) or the registry is shutting down
   */
  default HealthRegistry register(CheckConfig.Builder config) {
    return register(Checks.notNull(config, "config").build());
  }

  /**
   * Registers a resource (a connection pool, a Redis client, a scheduler) to close during shutdown,
   * after in-flight requests finished. Resources close in reverse order of registration; a failure
   * to close one is logged and the others still close.
   *
   * @return this registry
   * @throws NullPointerException if {@code resource} is null
   * @throws IllegalStateException if the registry has already closed its resources
   */
  HealthRegistry register(AutoCloseable resource);

  /** The registered checks, in registration order. */
  List<CheckConfig> checks();

  /** The report of one group, as its probe answers it. Cheap: reads snapshots, runs nothing. */
  HealthReport report(HealthGroup group);

  /** The report of every group together, as {@code /health} answers it. */
  HealthReport report();

  /** The lifecycle state now. */
  Lifecycle lifecycle();

  /**
   * Marks the application started: {@link Lifecycle#STARTING} becomes {@link Lifecycle#READY}, so
   * startup (and readiness, when its checks pass) answer 200. Has no effect in any other state.
   */
  void markStarted();

  /**
   * Runs every check now and waits until each has a result or timed out. Meant for tests and for a
   * first synchronous round before {@link #markStarted()}.
   */
  void refresh();

  /** The in-flight request tracker that shutdown waits on. */
  InFlightTracker inFlight();

  /**
   * Starts the shutdown sequence and returns without waiting: readiness reports {@link
   * Status#OUT_OF_SERVICE} before this method returns. Calling it again returns the same future.
   *
   * @return completes when every resource is closed
   */
  CompletableFuture<Void> shutdownAsync();

  /** Runs the shutdown sequence and waits for it to end; see {@link #shutdownAsync()}. */
  void shutdown();

  /**
   * Builds a {@link HealthRegistry}. Setters reject bad values at once. Not thread-safe.
   *
   * <p>Settings given to {@link #settings(Settings)} (all optional) win over the setters, in any
   * call order: {@code HEADROOM_HEALTH_DRAIN_DELAY} (default 5s), {@code
   * HEADROOM_HEALTH_DRAIN_TIMEOUT} (default 20s), {@code HEADROOM_HEALTH_SHUTDOWN_HOOK} (default
   * false).
   */
  final class Builder {
    Ticker ticker = Ticker.system();
    InstantSource clock = InstantSource.system();
    @Nullable MeterRegistry meterRegistry;
    @Nullable Settings settings;
    Duration drainDelay = Duration.ofSeconds(5);
    Duration drainTimeout = Duration.ofSeconds(20);
    boolean shutdownHook;
    boolean backgroundChecks = true;

    Builder() {}

    /**
     * Sets the monotonic time source used for durations and staleness.
     *
     * @throws NullPointerException if {@code ticker} is null
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Checks.notNull(ticker, "ticker");
      return this;
    }

    /**
     * Sets the wall clock used for the {@code lastChecked} instants.
     *
     * @throws NullPointerException if {@code clock} is null
     */
    public Builder clock(InstantSource clock) {
      this.clock = Checks.notNull(clock, "clock");
      return this;
    }

    /**
     * Sets where {@code health.status}, {@code health.check.duration} and the other health meters
     * are registered; usually the {@code PrometheusMeterRegistry} that {@code /metrics} serves.
     * Without one, no meters are recorded.
     *
     * @throws NullPointerException if {@code meterRegistry} is null
     */
    public Builder meterRegistry(MeterRegistry meterRegistry) {
      this.meterRegistry = Checks.notNull(meterRegistry, "meterRegistry");
      return this;
    }

    /**
     * Sets how long to keep serving after readiness turned 503 before waiting on in-flight work:
     * the time load balancers and Kubernetes endpoints need to stop sending new requests.
     *
     * @throws IllegalArgumentException if {@code drainDelay} is negative
     */
    public Builder drainDelay(Duration drainDelay) {
      this.drainDelay = Checks.notNegative(drainDelay, "drainDelay");
      return this;
    }

    /**
     * Sets how long in-flight requests get to finish before resources close anyway.
     *
     * @throws IllegalArgumentException if {@code drainTimeout} is negative
     */
    public Builder drainTimeout(Duration drainTimeout) {
      this.drainTimeout = Checks.notNegative(drainTimeout, "drainTimeout");
      return this;
    }

    /** Sets whether a JVM shutdown hook (SIGTERM) runs {@link HealthRegistry#shutdown()}. */
    public Builder shutdownHook(boolean shutdownHook) {
      this.shutdownHook = shutdownHook;
      return this;
    }

    /**
     * Sets whether checks run on their interval in the background (default). Off, checks run only
     * on {@link HealthRegistry#refresh()}, which makes tests deterministic.
     */
    public Builder backgroundChecks(boolean backgroundChecks) {
      this.backgroundChecks = backgroundChecks;
      return this;
    }

    /**
     * Settings that win over the setters, applied by {@link #build()} whatever the order of the
     * calls (a later call replaces the settings given earlier): the {@code HEADROOM_HEALTH_*} keys
     * listed on this class.
     *
     * @throws NullPointerException if {@code settings} is null
     */
    public Builder settings(Settings settings) {
      this.settings = Checks.notNull(settings, "settings");
      return this;
    }

    /**
     * Applies the settings, if any, and builds the registry, in {@link Lifecycle#STARTING}.
     *
     * @throws io.headroom.core.SettingsException naming the key and the value if a setting is
     *     malformed or out of range
     */
    public HealthRegistry build() {
      Builder b = this;
      if (settings != null) {
        b = copy();
        Settings s = settings.forModule("health");
        s.override("DRAIN_DELAY", Settings.DURATION, b::drainDelay);
        s.override("DRAIN_TIMEOUT", Settings.DURATION, b::drainTimeout);
        s.override("SHUTDOWN_HOOK", Settings.BOOLEAN, b::shutdownHook);
      }
      return new DefaultHealthRegistry(b);
    }

    private Builder copy() {
      Builder b = new Builder();
      b.ticker = ticker;
      b.clock = clock;
      b.meterRegistry = meterRegistry;
      b.settings = settings;
      b.drainDelay = drainDelay;
      b.drainTimeout = drainTimeout;
      b.shutdownHook = shutdownHook;
      b.backgroundChecks = backgroundChecks;
      return b;
    }
  }
}
