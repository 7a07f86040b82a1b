package io.headroom.idgen.redis;

import io.headroom.core.Checks;
import io.headroom.core.Settings;
import io.headroom.core.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * How worker IDs are leased in Redis. Immutable and thread-safe.
 *
 * <pre>{@code
 * RedisWorkerIdConfig config = RedisWorkerIdConfig.builder()
 *     .namespace("orders")                 // keys {idgen:orders}:worker:<id>
 *     .ttl(Duration.ofSeconds(10))         // a dead process frees its ID after this
 *     .heartbeatInterval(Duration.ofSeconds(2))
 *     .safetyMargin(Duration.ofSeconds(2)) // stop issuing this long before the lease can lapse
 *     .meterRegistry(registry)             // none given: no meters
 *     .settings(Settings.fromEnvironment()) // HEADROOM_IDGEN_LEASE_*: these win over the code
 *     .build();
 * }</pre>
 *
 * <p>{@link Builder#build()} requires {@code 2 * heartbeatInterval <= ttl - safetyMargin}, so at
 * least two renewals are tried before a process stops issuing IDs.
 */
public final class RedisWorkerIdConfig {

  /** Setting for {@link Builder#namespace(String)}. */
  public static final String NAMESPACE_KEY = "HEADROOM_IDGEN_LEASE_NAMESPACE";

  /** Setting for {@link Builder#ttl(Duration)}. */
  public static final String TTL_KEY = "HEADROOM_IDGEN_LEASE_TTL";

  /** Setting for {@link Builder#heartbeatInterval(Duration)}. */
  public static final String HEARTBEAT_KEY = "HEADROOM_IDGEN_LEASE_HEARTBEAT";

  /** Setting for {@link Builder#safetyMargin(Duration)}. */
  public static final String SAFETY_MARGIN_KEY = "HEADROOM_IDGEN_LEASE_SAFETY_MARGIN";

  /** Waits, interruptibly; a test hook. */
  interface Sleeper {
    void sleep(long nanos) throws InterruptedException;
  }

  private final String namespace;
  private final Duration ttl;
  private final Duration heartbeatInterval;
  private final Duration safetyMargin;
  private final Duration releaseCooldown;
  private final Ticker ticker;
  private final @Nullable MeterRegistry meterRegistry;
  private final Sleeper sleeper;
  private final boolean heartbeat;

  private RedisWorkerIdConfig(Builder b) {
    this.namespace = b.namespace;
    this.ttl = b.ttl;
    this.heartbeatInterval = b.heartbeatInterval;
    this.safetyMargin = b.safetyMargin;
    this.releaseCooldown = b.releaseCooldown == null ? b.safetyMargin : b.releaseCooldown;
    this.ticker = b.ticker;
    this.meterRegistry = b.meterRegistry;
    this.sleeper = b.sleeper;
    this.heartbeat = b.heartbeat;
  }

  /** A builder with the defaults: namespace "default", TTL 10 s, heartbeat 2 s, margin 2 s. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The configuration from {@code settings} alone: {@code builder().settings(settings).build()},
   * reading {@value #NAMESPACE_KEY}, {@value #TTL_KEY}, {@value #HEARTBEAT_KEY} and {@value
   * #SAFETY_MARGIN_KEY}. To add a meter registry, use {@code builder().settings(settings)}.
   *
   * @throws NullPointerException if {@code settings} is null
   * @throws io.headroom.core.SettingsException naming the key if a value cannot be used
   * @throws IllegalStateException as {@link Builder#build()} does
   */
  public static RedisWorkerIdConfig from(Settings settings) {
    return builder().settings(settings).build();
  }

  /** A builder holding this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.namespace = namespace;
    b.ttl = ttl;
    b.heartbeatInterval = heartbeatInterval;
    b.safetyMargin = safetyMargin;
    b.releaseCooldown = releaseCooldown;
    b.ticker = ticker;
    b.meterRegistry = meterRegistry;
    b.sleeper = sleeper;
    b.heartbeat = heartbeat;
    return b;
  }

  /** The namespace: processes share worker IDs only within one namespace. */
  public String namespace() {
    return namespace;
  }

  /** How long a lease lives without renewal. */
  public Duration ttl() {
    return ttl;
  }

  /** How often the lease is renewed. */
  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  /** How long before the lease could lapse the process stops issuing IDs. */
  public Duration safetyMargin() {
    return safetyMargin;
  }

  /** How long a released ID stays unclaimable (default: the safety margin). */
  public Duration releaseCooldown() {
    return releaseCooldown;
  }

  /** The monotonic clock that times the lease. */
  public Ticker ticker() {
    return ticker;
  }

  /** Where the lease meters go; empty when none was given, and then nothing is recorded. */
  public Optional<MeterRegistry> meterRegistry() {
    return Optional.ofNullable(meterRegistry);
  }

  Sleeper sleeper() {
    return sleeper;
  }

  boolean heartbeat() {
    return heartbeat;
  }

  @Override
  public String toString() {
    return "RedisWorkerIdConfig{namespace="
        + namespace
        + ", ttl="
        + ttl
        + ", heartbeatInterval="
        + heartbeatInterval
        + ", safetyMargin="
        + safetyMargin
        + ", releaseCooldown="
        + releaseCooldown
        + "}";
  }

  /** Builds a {@link RedisWorkerIdConfig}. Not thread-safe. */
  public static final class Builder {
    private String namespace = "default";
    private Duration ttl = Duration.ofSeconds(10);
    private Duration heartbeatInterval = Duration.ofSeconds(2);
    private Duration safetyMargin = Duration.ofSeconds(2);
    private @Nullable Duration releaseCooldown;
    private Ticker ticker = Ticker.system();
    private @Nullable MeterRegistry meterRegistry;
    private @Nullable Settings settings;
    private Sleeper sleeper = TimeUnit.NANOSECONDS::sleep;
    private boolean heartbeat = true;

    private Builder() {}

    /**
     * Settings that win over the setters, applied by {@link #build()} whatever the order of the
     * calls (a later call replaces the settings given earlier): {@value #NAMESPACE_KEY}, {@value
     * #TTL_KEY}, {@value #HEARTBEAT_KEY} and {@value #SAFETY_MARGIN_KEY}, each through the setter
     * of the same name, so a value the setter refuses fails {@link #build()} with a {@link
     * io.headroom.core.SettingsException} naming the key.
     *
     * @throws NullPointerException if {@code settings} is null
     */
    public Builder settings(Settings settings) {
      this.settings = Checks.notNull(settings, "settings");
      return this;
    }

    /**
     * Sets the namespace, the {@code name} tag of the lease meters; default {@code "default"}.
     *
     * @throws IllegalArgumentException if it breaks the naming rule of {@link
     *     Settings#checkName(String)} (1 to 64 of {@code A-Z a-z 0-9 _ . -})
     */
    public Builder namespace(String namespace) {
      this.namespace = Settings.checkName(namespace);
      return this;
    }

    /**
     * Sets the lease TTL, at least 100 ms and in whole milliseconds; default 10 s.
     *
     * @throws IllegalArgumentException if shorter than 100 ms
     */
    public Builder ttl(Duration ttl) {
      Checks.positive(ttl, "ttl");
      Checks.argument(ttl.toMillis() >= 100, "ttl must be >= 100ms: %s", ttl);
      this.ttl = ttl;
      return this;
    }

    /**
     * Sets the renewal interval; default 2 s.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder heartbeatInterval(Duration interval) {
      this.heartbeatInterval = Checks.positive(interval, "interval");
      return this;
    }

    /**
     * Sets how long before the lease could lapse IDs stop; default 2 s. It must exceed the clock
     * skew between hosts and a renewal's round trip.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder safetyMargin(Duration margin) {
      this.safetyMargin = Checks.positive(margin, "margin");
      return this;
    }

    /**
     * Sets how long a released ID stays unclaimable; default the safety margin.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder releaseCooldown(Duration cooldown) {
      this.releaseCooldown = Checks.notNegative(cooldown, "cooldown");
      return this;
    }

    /**
     * Sets the monotonic clock; default {@link Ticker#system()}.
     *
     * @throws NullPointerException if {@code ticker} is null
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Checks.notNull(ticker, "ticker");
      return this;
    }

    /**
     * Sets the meter registry; without one, nothing is recorded.
     *
     * @throws NullPointerException if {@code registry} is null
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Checks.notNull(registry, "registry");
      return this;
    }

    /** Test hook: how acquire waits. */
    Builder sleeper(Sleeper sleeper) {
      this.sleeper = Checks.notNull(sleeper, "sleeper");
      return this;
    }

    /** Test hook: whether leases renew on a background thread. */
    Builder heartbeat(boolean heartbeat) {
      this.heartbeat = heartbeat;
      return this;
    }

    /**
     * Applies the settings, if any, and builds the configuration.
     *
     * @throws io.headroom.core.SettingsException naming the key and the value if a setting is
     *     malformed or out of range
     * @throws IllegalStateException unless {@code safetyMargin < ttl} and {@code 2 *
     *     heartbeatInterval <= ttl - safetyMargin}
     */
    public RedisWorkerIdConfig build() {
      if (settings != null) {
        Settings s = settings;
        Builder b = copy();
        b.settings = null;
        s.override(NAMESPACE_KEY, Settings.STRING, b::namespace);
        s.override(TTL_KEY, Settings.DURATION, b::ttl);
        s.override(HEARTBEAT_KEY, Settings.DURATION, b::heartbeatInterval);
        s.override(SAFETY_MARGIN_KEY, Settings.DURATION, b::safetyMargin);
        return b.build();
      }
      Checks.state(
          safetyMargin.compareTo(ttl) < 0,
          "safetyMargin (%s) must be shorter than ttl (%s)",
          safetyMargin,
          ttl);
      Checks.state(
          heartbeatInterval.multipliedBy(2).compareTo(ttl.minus(safetyMargin)) <= 0,
          "2 x heartbeatInterval (%s) must be <= ttl - safetyMargin (%s - %s), so that at least"
              + " two renewals are tried before IDs stop",
          heartbeatInterval,
          ttl,
          safetyMargin);
      return new RedisWorkerIdConfig(this);
    }

    private Builder copy() {
      Builder b = new Builder();
      b.namespace = namespace;
      b.ttl = ttl;
      b.heartbeatInterval = heartbeatInterval;
      b.safetyMargin = safetyMargin;
      b.releaseCooldown = releaseCooldown;
      b.ticker = ticker;
      b.meterRegistry = meterRegistry;
      b.settings = settings;
      b.sleeper = sleeper;
      b.heartbeat = heartbeat;
      return b;
    }
  }
}
