package io.headroom.idgen;

import io.headroom.core.Checks;
import io.headroom.core.Settings;
import io.headroom.core.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Everything an {@link IdGenerator} is built from. Immutable and thread-safe.
 *
 * <pre>{@code
 * IdGeneratorConfig config = IdGeneratorConfig.builder()
 *     .workerIdProvider(WorkerIdProvider.fixed(7))
 *     .layout(IdLayout.DEFAULT.withEpoch(Instant.parse("2025-01-01T00:00:00Z")))
 *     .clockBackwardsPolicy(ClockBackwardsPolicy.waitUpTo(Duration.ofMillis(10)))
 *     .meterRegistry(registry)                      // none given: no meters
 *     .settings(Settings.fromEnvironment())         // HEADROOM_IDGEN_*: these win over the code
 *     .build();
 * }</pre>
 */
public final class IdGeneratorConfig {

  /** Setting for the layout, {@code timestampBits/workerBits/sequenceBits} such as 41/10/12. */
  public static final String LAYOUT_KEY = "HEADROOM_IDGEN_LAYOUT";

  /** Setting for the custom epoch, an ISO-8601 instant such as 2024-01-01T00:00:00Z. */
  public static final String EPOCH_KEY = "HEADROOM_IDGEN_EPOCH";

  /** Setting for {@link ClockBackwardsPolicy#maxWait()}, such as 5ms. */
  public static final String CLOCK_BACKWARDS_MAX_WAIT_KEY =
      "HEADROOM_IDGEN_CLOCK_BACKWARDS_MAX_WAIT";

  /** Setting for {@link Builder#wallClockCheckInterval(Duration)}, such as 1s. */
  public static final String WALL_CLOCK_CHECK_INTERVAL_KEY =
      "HEADROOM_IDGEN_WALL_CLOCK_CHECK_INTERVAL";

  /** The default interval between comparisons of the monotonic clock with the wall clock. */
  public static final Duration DEFAULT_WALL_CLOCK_CHECK_INTERVAL = Duration.ofSeconds(1);

  private final String name;
  private final IdLayout layout;
  private final WorkerIdProvider workerIdProvider;
  private final ClockBackwardsPolicy clockBackwardsPolicy;
  private final Duration wallClockCheckInterval;
  private final Ticker ticker;
  private final InstantSource instantSource;
  private final @Nullable MeterRegistry meterRegistry;
  private final LongConsumer pause;

  private IdGeneratorConfig(Builder b, WorkerIdProvider workerIdProvider) {
    this.name = b.name;
    this.layout = b.layout;
    this.workerIdProvider = workerIdProvider;
    this.clockBackwardsPolicy = b.clockBackwardsPolicy;
    this.wallClockCheckInterval = b.wallClockCheckInterval;
    this.ticker = b.ticker;
    this.instantSource = b.instantSource;
    this.meterRegistry = b.meterRegistry;
    this.pause = b.pause;
  }

  /** A builder with the defaults: layout {@link IdLayout#DEFAULT}, no worker ID provider yet. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The configuration from {@code settings} alone: {@code builder().settings(settings).build()},
   * the worker ID from {@value WorkerIdProvider#WORKER_ID_KEY} (read when the generator is built).
   * To add a meter registry or another worker ID provider, use {@code
   * builder().settings(settings)}.
   *
   * @throws NullPointerException if {@code settings} is null
   * @throws io.headroom.core.SettingsException naming the key if a value cannot be used
   * @throws IllegalStateException as {@link Builder#build()} does
   */
  public static IdGeneratorConfig from(Settings settings) {
    return builder().settings(settings).build();
  }

  /** Applies {@code settings} over what the builder holds: the settings win. */
  private static void apply(Settings settings, Builder b) {
    Settings s =
        settings.withRenamedKey(
            settings.fullKey(WorkerIdProvider.OLD_WORKER_ID_KEY),
            settings.fullKey(WorkerIdProvider.WORKER_ID_KEY));
    if (s.contains(WorkerIdProvider.WORKER_ID_KEY) || b.workerIdProvider == null) {
      // Read when the generator is built; when absent, that read names the key.
      b.workerIdProvider = WorkerIdProvider.fromSettings(settings);
    }
    Instant epoch = s.get(EPOCH_KEY, IdGeneratorConfig::instant, b.layout.epoch());
    Optional<String> layoutText = s.get(LAYOUT_KEY);
    if (layoutText.isPresent()) {
      b.layout = parseLayout(s, layoutText.get(), epoch);
    } else if (s.contains(EPOCH_KEY)) {
      s.apply(EPOCH_KEY, () -> b.layout(b.layout.withEpoch(epoch)));
    }
    s.override(
        CLOCK_BACKWARDS_MAX_WAIT_KEY,
        Settings.DURATION,
        d -> b.clockBackwardsPolicy(ClockBackwardsPolicy.waitUpTo(d)));
    s.override(WALL_CLOCK_CHECK_INTERVAL_KEY, Settings.DURATION, b::wallClockCheckInterval);
  }

  private static Instant instant(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "expected an ISO-8601 instant such as 2024-01-01T00:00:00Z", e);
    }
  }

  private static IdLayout parseLayout(Settings settings, String text, Instant epoch) {
    String[] parts = text.split("/", -1);
    if (parts.length != 3) {
      throw settings.invalid(
          LAYOUT_KEY, text, "expected timestampBits/workerBits/sequenceBits such as 41/10/12");
    }
    try {
      return IdLayout.of(
          Integer.parseInt(parts[0].trim()),
          Integer.parseInt(parts[1].trim()),
          Integer.parseInt(parts[2].trim()),
          epoch);
    } catch (NumberFormatException e) {
      throw settings.invalid(
          LAYOUT_KEY, text, "expected timestampBits/workerBits/sequenceBits such as 41/10/12");
    } catch (IllegalArgumentException e) {
      throw settings.invalid(LAYOUT_KEY, text, String.valueOf(e.getMessage()));
    }
  }

  /**
   * Waits part of {@code nanosLeft}: parks while more than 200 us are left, waking early enough for
   * the timer slack, and spins for the rest. Parking instead of spinning through the idle part of
   * an exhausted millisecond leaves the core to other threads, and the scheduler favours a thread
   * that slept when it wakes, just as the next millisecond starts.
   */
  static void pauseBriefly(long nanosLeft) {
    if (nanosLeft > 200_000L) {
      LockSupport.parkNanos(nanosLeft - 120_000L);
    } else {
      Thread.onSpinWait();
    }
  }

  /** A builder holding this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.layout = layout;
    b.workerIdProvider = workerIdProvider;
    b.clockBackwardsPolicy = clockBackwardsPolicy;
    b.wallClockCheckInterval = wallClockCheckInterval;
    b.ticker = ticker;
    b.instantSource = instantSource;
    b.meterRegistry = meterRegistry;
    b.pause = pause;
    return b;
  }

  /** The generator's name, used as the {@code name} tag of its meters. */
  public String name() {
    return name;
  }

  /** The bit layout and epoch. */
  public IdLayout layout() {
    return layout;
  }

  /** Where the worker ID comes from. */
  public WorkerIdProvider workerIdProvider() {
    return workerIdProvider;
  }

  /** What happens when the wall clock steps back. */
  public ClockBackwardsPolicy clockBackwardsPolicy() {
    return clockBackwardsPolicy;
  }

  /** How often the monotonic clock is compared with the wall clock. */
  public Duration wallClockCheckInterval() {
    return wallClockCheckInterval;
  }

  /** The monotonic clock that advances time between wall-clock checks. */
  public Ticker ticker() {
    return ticker;
  }

  /** The wall clock that anchors the monotonic clock. */
  public InstantSource instantSource() {
    return instantSource;
  }

  /** Where the meters go; empty when none was given, and then nothing is recorded. */
  public Optional<MeterRegistry> meterRegistry() {
    return Optional.ofNullable(meterRegistry);
  }

  LongConsumer pause() {
    return pause;
  }

  @Override
  public String toString() {
    return "IdGeneratorConfig{name="
        + name
        + ", layout="
        + layout
        + ", workerIdProvider="
        + workerIdProvider
        + ", clockBackwardsPolicy="
        + clockBackwardsPolicy
        + ", wallClockCheckInterval="
        + wallClockCheckInterval
        + "}";
  }

  /** Builds an {@link IdGeneratorConfig}. Not thread-safe. */
  public static final class Builder {
    private String name = "default";
    private IdLayout layout = IdLayout.DEFAULT;
    private @Nullable WorkerIdProvider workerIdProvider;
    private ClockBackwardsPolicy clockBackwardsPolicy = ClockBackwardsPolicy.DEFAULT;
    private Duration wallClockCheckInterval = DEFAULT_WALL_CLOCK_CHECK_INTERVAL;
    private Ticker ticker = Ticker.system();
    private InstantSource instantSource = InstantSource.system();
    private @Nullable MeterRegistry meterRegistry;
    private @Nullable Settings settings;
    private LongConsumer pause = IdGeneratorConfig::pauseBriefly;

    private Builder() {}

    /**
     * Names the generator (the {@code name} tag of its meters); default {@code "default"}.
     *
     * @throws IllegalArgumentException if {@code name} breaks the naming rule of {@link
     *     Settings#checkName(String)}
     */
    public Builder name(String name) {
      this.name = Settings.checkName(name);
      return this;
    }

    /**
     * Settings that win over the setters, applied by {@link #build()} whatever the order of the
     * calls (a later call replaces the settings given earlier): {@value #LAYOUT_KEY}, {@value
     * #EPOCH_KEY}, {@value #CLOCK_BACKWARDS_MAX_WAIT_KEY}, {@value #WALL_CLOCK_CHECK_INTERVAL_KEY}
     * and {@value WorkerIdProvider#WORKER_ID_KEY} (when set, a fixed worker ID that replaces the
     * provider given in code; when no provider was given, the generator's build reads it and fails
     * naming it if it is absent). The previous name {@value WorkerIdProvider#OLD_WORKER_ID_KEY} is
     * still read for one release, with a deprecation warning.
     *
     * @throws NullPointerException if {@code settings} is null
     */
    public Builder settings(Settings settings) {
      this.settings = Checks.notNull(settings, "settings");
      return this;
    }

    /**
     * Sets the bit layout and epoch; default {@link IdLayout#DEFAULT}.
     *
     * @throws NullPointerException if {@code layout} is null
     */
    public Builder layout(IdLayout layout) {
      this.layout = Checks.notNull(layout, "layout");
      return this;
    }

    /**
     * Sets where the worker ID comes from; required.
     *
     * @throws NullPointerException if {@code provider} is null
     */
    public Builder workerIdProvider(WorkerIdProvider provider) {
      this.workerIdProvider = Checks.notNull(provider, "provider");
      return this;
    }

    /**
     * Uses a fixed worker ID; same as {@code workerIdProvider(WorkerIdProvider.fixed(workerId))}.
     *
     * @throws IllegalArgumentException if {@code workerId} is negative
     */
    public Builder workerId(long workerId) {
      return workerIdProvider(WorkerIdProvider.fixed(workerId));
    }

    /**
     * Sets what happens when the wall clock steps back; default {@link
     * ClockBackwardsPolicy#DEFAULT} (wait up to 5 ms).
     *
     * @throws NullPointerException if {@code policy} is null
     */
    public Builder clockBackwardsPolicy(ClockBackwardsPolicy policy) {
      this.clockBackwardsPolicy = Checks.notNull(policy, "policy");
      return this;
    }

    /**
     * Sets how often the monotonic clock is compared with the wall clock to notice steps; default 1
     * s.
     *
     * @throws IllegalArgumentException if {@code interval} is not positive
     */
    public Builder wallClockCheckInterval(Duration interval) {
      this.wallClockCheckInterval = Checks.positive(interval, "interval");
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
     * Sets the wall clock; default {@link InstantSource#system()}.
     *
     * @throws NullPointerException if {@code instantSource} is null
     */
    public Builder instantSource(InstantSource instantSource) {
      this.instantSource = Checks.notNull(instantSource, "instantSource");
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

    /**
     * Test hook: what a caller does on each turn of a wait loop, given the nanoseconds left until
     * the millisecond it waits for; default {@link #pauseBriefly(long)}.
     */
    Builder spinWait(LongConsumer pause) {
      this.pause = Checks.notNull(pause, "pause");
      return this;
    }

    /**
     * Applies the settings, if any, and builds the configuration.
     *
     * @throws io.headroom.core.SettingsException naming the key and the value if a setting is
     *     malformed or out of range
     * @throws IllegalStateException if no worker ID provider was set, if the epoch is in the future
     *     by the configured wall clock, or if the layout leaves fewer than {@link
     *     IdLayout#MIN_YEARS_LEFT} years before its timestamp overflows (the message says how many)
     */
    public IdGeneratorConfig build() {
      Builder b = this;
      if (settings != null) {
        b = copy();
        apply(settings, b);
      }
      b.layout.checkUsableAt(b.instantSource.instant());
      WorkerIdProvider provider = b.workerIdProvider;
      Checks.state(
          provider != null,
          "workerIdProvider is required: WorkerIdProvider.fixed(n), fromEnvironment()"
              + " (HEADROOM_IDGEN_WORKER_ID) or a RedisWorkerIdProvider");
      return new IdGeneratorConfig(b, Checks.notNull(provider, "workerIdProvider"));
    }

    private Builder copy() {
      Builder b = new Builder();
      b.name = name;
      b.layout = layout;
      b.workerIdProvider = workerIdProvider;
      b.clockBackwardsPolicy = clockBackwardsPolicy;
      b.wallClockCheckInterval = wallClockCheckInterval;
      b.ticker = ticker;
      b.instantSource = instantSource;
      b.meterRegistry = meterRegistry;
      b.settings = settings;
      b.pause = pause;
      return b;
    }
  }
}
