package io.headroom.breaker;

import io.headroom.core.Checks;
import io.headroom.core.Settings;
import io.headroom.core.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and holds breakers by name: the same name always gives the same {@link Breaker}. Each
 * breaker gets the registry's meters, ticker, listener, and the settings overrides found under
 * {@code HEADROOM_BREAKER_<NAME>_*}.
 *
 * <pre>{@code
 * BreakerRegistry breakers = BreakerRegistry.builder()
 *     .meterRegistry(prometheus)
 *     .settings(Settings.fromEnvironment())
 *     .listener(new BreakerListener() {
 *       public void onStateChange(String name, BreakerState from, BreakerState to) {
 *         log.warn("breaker {} {} -> {}", name, from, to);
 *       }
 *     })
 *     .build();
 * Breaker redis = breakers.breaker("redis", BreakerPreset.REDIS);
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class BreakerRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(BreakerRegistry.class);

  private final @Nullable MeterRegistry meterRegistry;
  private final Ticker ticker;
  private final Settings settings;
  private final BreakerListener listener;
  private final TimeoutScheduler timeouts;
  private final ConcurrentHashMap<String, Entry> breakers = new ConcurrentHashMap<>();

  private record Entry(DefaultBreaker breaker, BreakerConfig requested) {}

  private BreakerRegistry(Builder b) {
    this.meterRegistry = b.meterRegistry;
    this.ticker = b.ticker;
    this.settings = b.settings;
    this.listener = b.listener;
    this.timeouts = b.timeouts;
  }

  /** A registry with no metrics, no settings overrides, no listener and the system ticker. */
  public static BreakerRegistry create() {
    return builder().build();
  }

  /** A builder for a registry. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder with this registry's settings (the new registry starts with no breakers). */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.meterRegistry = meterRegistry;
    b.ticker = ticker;
    b.settings = settings;
    b.listener = listener;
    b.timeouts = timeouts;
    return b;
  }

  /**
   * The breaker named {@code name}, created from {@code preset} (plus settings overrides) on first
   * use.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} breaks the naming rule of {@link
   *     Settings#checkName(String)}
   * @throws io.headroom.core.SettingsException if an override for this breaker is malformed
   */
  public Breaker breaker(String name, BreakerPreset preset) {
    return breaker(name, Checks.notNull(preset, "preset").config());
  }

  /**
   * The breaker named {@code name}, created from {@code config} (plus settings overrides) on first
   * use. A later call with another configuration returns the existing breaker unchanged and logs a
   * warning: one name is one dependency.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} breaks the naming rule of {@link
   *     Settings#checkName(String)}
   * @throws io.headroom.core.SettingsException if an override for this breaker is malformed
   */
  public Breaker breaker(String name, BreakerConfig config) {
    Settings.checkName(name);
    Checks.notNull(config, "config");
    Entry e = breakers.get(name);
    if (e == null) {
      e = breakers.computeIfAbsent(name, n -> new Entry(create(n, config), config));
    }
    if (!e.requested().equals(config)) {
      LOG.warn(
          "Breaker '{}' already exists with {}; ignoring the different configuration {}",
          name,
          e.requested(),
          config);
    }
    return e.breaker();
  }

  private DefaultBreaker create(String name, BreakerConfig requested) {
    BreakerConfig effective = BreakerConfig.from(settings, name, requested);
    DefaultBreaker b = new DefaultBreaker(name, effective, ticker, listener, timeouts);
    if (meterRegistry != null) {
      BreakerMeters.bind(meterRegistry, b);
    }
    return b;
  }

  /** The breaker named {@code name}, if one was created. */
  public Optional<Breaker> find(String name) {
    Entry e = breakers.get(Checks.notNull(name, "name"));
    return e == null ? Optional.empty() : Optional.of(e.breaker());
  }

  /** Every breaker, sorted by name. */
  public List<Breaker> breakers() {
    List<Breaker> all = new ArrayList<>();
    for (Entry e : breakers.values()) {
      all.add(e.breaker());
    }
    all.sort(Comparator.comparing(Breaker::name));
    return List.copyOf(all);
  }

  /** A snapshot of every breaker, sorted by name. */
  public List<BreakerSnapshot> snapshots() {
    List<BreakerSnapshot> all = new ArrayList<>();
    for (Breaker b : breakers()) {
      all.add(b.snapshot());
    }
    return List.copyOf(all);
  }

  @Override
  public String toString() {
    return "BreakerRegistry{breakers=" + breakers.keySet() + "}";
  }

  /**
   * Builds a {@link BreakerRegistry}.
   *
   * <p>Not thread-safe.
   */
  public static final class Builder {
    private @Nullable MeterRegistry meterRegistry;
    private Ticker ticker = Ticker.system();
    private Settings settings = Settings.empty();
    private BreakerListener listener = BreakerListener.NOOP;
    private TimeoutScheduler timeouts = TimeoutScheduler.shared();

    private Builder() {}

    /**
     * Registers every breaker's meters in {@code registry} (default: none).
     *
     * @throws NullPointerException if {@code registry} is null
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Checks.notNull(registry, "registry");
      return this;
    }

    /**
     * Sets the time source for call durations, open-state waits and windows (default: {@link
     * Ticker#system()}).
     *
     * @throws NullPointerException if {@code ticker} is null
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Checks.notNull(ticker, "ticker");
      return this;
    }

    /**
     * Sets where overrides are read ({@code HEADROOM_BREAKER_<NAME>_*}; default: none). Pass {@code
     * Settings.fromEnvironment()} to let operators tune breakers without a release.
     *
     * @throws NullPointerException if {@code settings} is null
     */
    public Builder settings(Settings settings) {
      this.settings = Checks.notNull(settings, "settings");
      return this;
    }

    /**
     * Sets the listener of every breaker's state changes (default: {@link BreakerListener#NOOP}).
     *
     * @throws NullPointerException if {@code listener} is null
     */
    public Builder listener(BreakerListener listener) {
      this.listener = Checks.notNull(listener, "listener");
      return this;
    }

    /**
     * Sets the executor that fires the {@linkplain BreakerConfig#callTimeout() call timeouts} of
     * {@link Breaker#callAsync} (default: one shared daemon thread that hands expired timeouts to
     * the common fork-join pool). Expired timeouts, and the fallbacks and dependents they complete,
     * run on this executor's threads. The caller owns the executor and shuts it down.
     *
     * @throws NullPointerException if {@code executor} is null
     */
    public Builder callTimeoutExecutor(ScheduledExecutorService executor) {
      this.timeouts = TimeoutScheduler.of(Checks.notNull(executor, "executor"));
      return this;
    }

    /** Test hook: a scheduler driven by a fake ticker. */
    Builder timeouts(TimeoutScheduler timeouts) {
      this.timeouts = Checks.notNull(timeouts, "timeouts");
      return this;
    }

    /** Builds the registry. */
    public BreakerRegistry build() {
      return new BreakerRegistry(this);
    }
  }
}
