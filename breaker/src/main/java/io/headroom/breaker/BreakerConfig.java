package io.headroom.breaker;

import io.headroom.breaker.internal.SqlErrors;
import io.headroom.core.Checks;
import io.headroom.core.Settings;
import io.headroom.core.SettingsException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one breaker: its sliding window, its trip rules, its open-state backoff, its
 * half-open trials and how it classifies exceptions.
 *
 * <pre>{@code
 * BreakerConfig strict = BreakerPreset.PAYMENT_API.config().toBuilder()
 *     .failureRateThreshold(25)
 *     .build();
 * BreakerConfig fromEnv = BreakerConfig.from(Settings.fromEnvironment(), "payments", BreakerPreset.PAYMENT_API);
 * }</pre>
 *
 * <p>A breaker opens when <em>either</em> trip rule fires:
 *
 * <ul>
 *   <li>the <b>rate rule</b>: once the sliding window holds at least {@link #minimumCalls()} calls,
 *       the failure rate reaches {@link #failureRateThreshold()} or the slow-call rate reaches
 *       {@link #slowCallRateThreshold()};
 *   <li>the <b>count rule</b>, for low traffic: {@link #failureCountThreshold()} failures fall
 *       within {@link #failureCountWindow()}, whatever the number of calls.
 * </ul>
 *
 * <p>Once open it waits {@link #openWait()} before letting {@link #halfOpenCalls()} trial calls
 * through; each time the trials fail the wait is multiplied by {@link #openWaitMultiplier()}, up to
 * {@link #openWaitMax()}. A successful trial round closes the breaker and resets the wait.
 *
 * <p>Exceptions are classified in this order: those matching {@link #ignoreException()} are
 * <em>ignored</em> (neither success nor failure, e.g. a nested breaker's {@link
 * BreakerOpenException}); those matching {@link #recordException()} are <em>failures</em>; the rest
 * count as <em>successes</em>, because the dependency answered (e.g. a unique-key violation).
 *
 * <p>Immutable and thread-safe (if the classification predicates are).
 */
public final class BreakerConfig {

  /** How the sliding window that the rate rule reads is measured. */
  public enum WindowType {
    /** The last {@code windowSize} calls. Cheapest; suits high-volume dependencies. */
    COUNT_BASED,
    /** The calls of the last {@code windowSize} seconds; old outcomes age out at low volume. */
    TIME_BASED
  }

  /** The most failures the count rule can be asked to count (it keeps one timestamp each). */
  public static final int MAX_FAILURE_COUNT = 1000;

  static final Predicate<Throwable> RECORD_ALL = new NamedPredicate("all exceptions", t -> true);
  static final Predicate<Throwable> DEFAULT_IGNORE =
      new NamedPredicate(
          "BreakerOpenException, CancellationException",
          t -> t instanceof BreakerOpenException || t instanceof CancellationException);
  static final Predicate<Throwable> NOT_SQL_ANSWER =
      new NamedPredicate(
          "all but SQL answers (SQLState classes 22, 23, 42)", t -> !SqlErrors.isAnswer(t));
  static final Predicate<@Nullable Object> NO_RESULT = new NoResult();

  private final BreakerPreset preset;
  private final boolean enabled;
  private final WindowType windowType;
  private final int windowSize;
  private final int minimumCalls;
  private final double failureRateThreshold;
  private final int failureCountThreshold;
  private final Duration failureCountWindow;
  private final Duration slowCallDuration;
  private final double slowCallRateThreshold;
  private final Duration openWait;
  private final double openWaitMultiplier;
  private final Duration openWaitMax;
  private final int halfOpenCalls;
  private final Duration callTimeout;
  private final Predicate<Throwable> recordException;
  private final Predicate<Throwable> ignoreException;
  private final Predicate<@Nullable Object> recordResult;

  private BreakerConfig(Builder b) {
    this.preset = b.preset;
    this.enabled = b.enabled;
    this.windowType = b.windowType;
    this.windowSize = b.windowSize;
    this.minimumCalls = b.minimumCalls;
    this.failureRateThreshold = b.failureRateThreshold;
    this.failureCountThreshold = b.failureCountThreshold;
    this.failureCountWindow = b.failureCountWindow;
    this.slowCallDuration = b.slowCallDuration;
    this.slowCallRateThreshold = b.slowCallRateThreshold;
    this.openWait = b.openWait;
    this.openWaitMultiplier = b.openWaitMultiplier;
    this.openWaitMax = b.openWaitMax;
    this.halfOpenCalls = b.halfOpenCalls;
    this.callTimeout = b.callTimeout;
    this.recordException = b.recordException;
    this.ignoreException = b.ignoreException;
    this.recordResult = b.recordResult;
  }

  /**
   * A builder that starts from the {@link BreakerPreset#DATABASE} preset, the general-purpose
   * baseline (a request/response dependency behind a pool).
   */
  public static Builder builder() {
    return BreakerPreset.DATABASE.config().toBuilder();
  }

  /** A builder that starts from this configuration. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A builder with neutral values, tagged with {@code preset}; used to define the presets. */
  static Builder rawBuilder(BreakerPreset preset) {
    return new Builder(preset);
  }

  /**
   * The settings key prefix of the breaker named {@code name}: {@code HEADROOM_BREAKER_} plus the
   * name upper-cased with every character other than a letter or digit replaced by {@code _}, plus
   * {@code _}. For example {@code "orders-db"} reads {@code HEADROOM_BREAKER_ORDERS_DB_*}.
   *
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public static String settingsPrefix(String name) {
    return Settings.componentPrefix("breaker", name);
  }

  /**
   * The preset's configuration with any overrides found in {@code settings} under {@link
   * #settingsPrefix(String) HEADROOM_BREAKER_&lt;NAME&gt;_}, e.g. {@code
   * HEADROOM_BREAKER_PAYMENTS_FAILURE_RATE=40}. The keys are listed in the module README.
   *
   * @throws SettingsException naming the key and the value if a value is malformed or out of range
   */
  public static BreakerConfig from(Settings settings, String name, BreakerPreset base) {
    return from(settings, name, Checks.notNull(base, "base").config());
  }

  /**
   * {@code base} with any overrides found in {@code settings} under {@link #settingsPrefix(String)
   * HEADROOM_BREAKER_&lt;NAME&gt;_}.
   *
   * @throws SettingsException naming the key and the value if a value is malformed or out of range
   */
  public static BreakerConfig from(Settings settings, String name, BreakerConfig base) {
    Settings s = Checks.notNull(settings, "settings").withPrefix(settingsPrefix(name));
    Builder b = Checks.notNull(base, "base").toBuilder();
    s.override("ENABLED", Settings.BOOLEAN, b::enabled);
    s.override("WINDOW_TYPE", Settings.enumOf(WindowType.class), b::windowType);
    s.override("WINDOW_SIZE", Settings.INT, b::windowSize);
    s.override("MINIMUM_CALLS", Settings.INT, b::minimumCalls);
    s.override("FAILURE_RATE", Settings.DOUBLE, b::failureRateThreshold);
    s.override("FAILURE_COUNT", Settings.INT, b::failureCountThreshold);
    s.override("FAILURE_COUNT_WINDOW", Settings.DURATION, b::failureCountWindow);
    s.override("SLOW_CALL_DURATION", Settings.DURATION, b::slowCallDuration);
    s.override("SLOW_CALL_RATE", Settings.DOUBLE, b::slowCallRateThreshold);
    s.override("OPEN_WAIT", Settings.DURATION, b::openWait);
    s.override("OPEN_WAIT_MULTIPLIER", Settings.DOUBLE, b::openWaitMultiplier);
    s.override("OPEN_WAIT_MAX", Settings.DURATION, b::openWaitMax);
    s.override("HALF_OPEN_CALLS", Settings.INT, b::halfOpenCalls);
    s.override("CALL_TIMEOUT", Settings.DURATION, b::callTimeout);
    if (b.openWaitMax.compareTo(b.openWait) < 0) {
      String key = s.contains("OPEN_WAIT_MAX") ? "OPEN_WAIT_MAX" : "OPEN_WAIT";
      throw s.invalid(
          key,
          s.getString(key, ""),
          "OPEN_WAIT_MAX (" + b.openWaitMax + ") must be >= OPEN_WAIT (" + b.openWait + ")");
    }
    return b.build();
  }

  /** The preset these settings started from. */
  public BreakerPreset preset() {
    return preset;
  }

  /** Whether the breaker is active; a disabled breaker permits every call and records nothing. */
  public boolean enabled() {
    return enabled;
  }

  /** How the sliding window is measured. */
  public WindowType windowType() {
    return windowType;
  }

  /** The sliding window's size: calls for {@code COUNT_BASED}, seconds for {@code TIME_BASED}. */
  public int windowSize() {
    return windowSize;
  }

  /** The number of calls the window must hold before the rate rule is evaluated. */
  public int minimumCalls() {
    return minimumCalls;
  }

  /** The failure rate, in percent, at or above which the rate rule opens the breaker. */
  public double failureRateThreshold() {
    return failureRateThreshold;
  }

  /**
   * The number of failures within {@link #failureCountWindow()} that opens the breaker; 0 = off.
   */
  public int failureCountThreshold() {
    return failureCountThreshold;
  }

  /** The window of the count rule. */
  public Duration failureCountWindow() {
    return failureCountWindow;
  }

  /** Calls that take longer than this are slow (whether they succeed or fail). */
  public Duration slowCallDuration() {
    return slowCallDuration;
  }

  /** The slow-call rate, in percent, at or above which the rate rule opens the breaker. */
  public double slowCallRateThreshold() {
    return slowCallRateThreshold;
  }

  /** How long the breaker stays open the first time before a trial. */
  public Duration openWait() {
    return openWait;
  }

  /** The factor by which the open-state wait grows each time the trials fail. */
  public double openWaitMultiplier() {
    return openWaitMultiplier;
  }

  /** The cap of the open-state wait. */
  public Duration openWaitMax() {
    return openWaitMax;
  }

  /** The open-state wait before the {@code attempt}-th trial round (1-based), capped. */
  public Duration openWait(int attempt) {
    Checks.positive(attempt, "attempt");
    double millis = openWait.toMillis() * Math.pow(openWaitMultiplier, attempt - 1.0);
    long capped = (long) Math.min(millis, (double) openWaitMax.toMillis());
    return Duration.ofMillis(capped);
  }

  /** The number of trial calls let through in the half-open state. */
  public int halfOpenCalls() {
    return halfOpenCalls;
  }

  /**
   * How long {@link Breaker#callAsync} waits for the call's stage before failing it with a {@link
   * BreakerTimeoutException} (recorded as a failure, handed to the fallback); {@link Duration#ZERO}
   * means no timeout. Synchronous calls are never timed out by the breaker: they must carry their
   * own timeout (JDBC query timeout, HTTP read timeout).
   */
  public Duration callTimeout() {
    return callTimeout;
  }

  /** Which exceptions count as failures (the others count as successes unless ignored). */
  public Predicate<Throwable> recordException() {
    return recordException;
  }

  /** Which exceptions count as neither success nor failure. Checked first. */
  public Predicate<Throwable> ignoreException() {
    return ignoreException;
  }

  /**
   * Which returned values count as failures (default: none), for calls whose failure is an answer,
   * such as an HTTP client that returns a 503 response instead of throwing.
   */
  public Predicate<@Nullable Object> recordResult() {
    return recordResult;
  }

  /** Whether a {@link #recordResult()} predicate other than the default was set. */
  boolean recordsResults() {
    return recordResult != NO_RESULT;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof BreakerConfig c)) {
      return false;
    }
    return preset == c.preset
        && enabled == c.enabled
        && windowType == c.windowType
        && windowSize == c.windowSize
        && minimumCalls == c.minimumCalls
        && Double.compare(failureRateThreshold, c.failureRateThreshold) == 0
        && failureCountThreshold == c.failureCountThreshold
        && failureCountWindow.equals(c.failureCountWindow)
        && slowCallDuration.equals(c.slowCallDuration)
        && Double.compare(slowCallRateThreshold, c.slowCallRateThreshold) == 0
        && openWait.equals(c.openWait)
        && Double.compare(openWaitMultiplier, c.openWaitMultiplier) == 0
        && openWaitMax.equals(c.openWaitMax)
        && halfOpenCalls == c.halfOpenCalls
        && callTimeout.equals(c.callTimeout)
        && recordException.equals(c.recordException)
        && ignoreException.equals(c.ignoreException)
        && recordResult.equals(c.recordResult);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        preset,
        enabled,
        windowType,
        windowSize,
        minimumCalls,
        failureRateThreshold,
        failureCountThreshold,
        failureCountWindow,
        slowCallDuration,
        slowCallRateThreshold,
        openWait,
        openWaitMultiplier,
        openWaitMax,
        halfOpenCalls,
        callTimeout);
  }

  @Override
  public String toString() {
    return "BreakerConfig{preset="
        + preset
        + ", enabled="
        + enabled
        + ", window="
        + windowType
        + "/"
        + windowSize
        + ", minimumCalls="
        + minimumCalls
        + ", failureRate="
        + failureRateThreshold
        + "%, failureCount="
        + failureCountThreshold
        + " in "
        + failureCountWindow
        + ", slowCall="
        + slowCallDuration
        + " at "
        + slowCallRateThreshold
        + "%, openWait="
        + openWait
        + " x"
        + openWaitMultiplier
        + " up to "
        + openWaitMax
        + ", halfOpenCalls="
        + halfOpenCalls
        + ", callTimeout="
        + callTimeout
        + ", record="
        + recordException
        + ", ignore="
        + ignoreException
        + (recordsResults() ? ", recordResult=" + recordResult : "")
        + "}";
  }

  /**
   * Builds a {@link BreakerConfig}. Setters reject bad values at once; {@link #build()} checks
   * values against each other.
   *
   * <p>Not thread-safe.
   */
  public static final class Builder {
    private BreakerPreset preset;
    private boolean enabled = true;
    private WindowType windowType = WindowType.COUNT_BASED;
    private int windowSize = 100;
    private int minimumCalls = 20;
    private double failureRateThreshold = 50;
    private int failureCountThreshold;
    private Duration failureCountWindow = Duration.ofSeconds(10);
    private Duration slowCallDuration = Duration.ofSeconds(5);
    private double slowCallRateThreshold = 100;
    private Duration openWait = Duration.ofSeconds(10);
    private double openWaitMultiplier = 2;
    private Duration openWaitMax = Duration.ofMinutes(2);
    private int halfOpenCalls = 5;
    private Duration callTimeout = Duration.ZERO;
    private Predicate<Throwable> recordException = RECORD_ALL;
    private Predicate<Throwable> ignoreException = DEFAULT_IGNORE;
    private Predicate<@Nullable Object> recordResult = NO_RESULT;

    private Builder(BreakerPreset preset) {
      this.preset = preset;
    }

    private Builder(BreakerConfig c) {
      this.preset = c.preset;
      this.enabled = c.enabled;
      this.windowType = c.windowType;
      this.windowSize = c.windowSize;
      this.minimumCalls = c.minimumCalls;
      this.failureRateThreshold = c.failureRateThreshold;
      this.failureCountThreshold = c.failureCountThreshold;
      this.failureCountWindow = c.failureCountWindow;
      this.slowCallDuration = c.slowCallDuration;
      this.slowCallRateThreshold = c.slowCallRateThreshold;
      this.openWait = c.openWait;
      this.openWaitMultiplier = c.openWaitMultiplier;
      this.openWaitMax = c.openWaitMax;
      this.halfOpenCalls = c.halfOpenCalls;
      this.callTimeout = c.callTimeout;
      this.recordException = c.recordException;
      this.ignoreException = c.ignoreException;
      this.recordResult = c.recordResult;
    }

    /**
     * Records which preset these settings are derived from (reported by {@link Breaker#preset()}).
     *
     * @throws NullPointerException if {@code preset} is null
     */
    public Builder preset(BreakerPreset preset) {
      this.preset = Checks.notNull(preset, "preset");
      return this;
    }

    /** Enables or disables the breaker (a disabled breaker permits everything). */
    public Builder enabled(boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    /**
     * Sets how the sliding window is measured.
     *
     * @throws NullPointerException if {@code windowType} is null
     */
    public Builder windowType(WindowType windowType) {
      this.windowType = Checks.notNull(windowType, "windowType");
      return this;
    }

    /**
     * Sets the window size: calls for {@code COUNT_BASED}, seconds for {@code TIME_BASED}.
     *
     * @throws IllegalArgumentException unless in {@code [1, 10000]}
     */
    public Builder windowSize(int windowSize) {
      this.windowSize = (int) Checks.inRange(windowSize, 1, 10_000, "windowSize");
      return this;
    }

    /**
     * Sets how many calls the window must hold before the rate rule is evaluated (for a count-based
     * window, values above the window size act as the window size).
     *
     * @throws IllegalArgumentException unless in {@code [1, 10000]}
     */
    public Builder minimumCalls(int minimumCalls) {
      this.minimumCalls = (int) Checks.inRange(minimumCalls, 1, 10_000, "minimumCalls");
      return this;
    }

    /**
     * Sets the failure rate, in percent, that opens the breaker.
     *
     * @throws IllegalArgumentException unless in {@code [1, 100]}
     */
    public Builder failureRateThreshold(double percent) {
      this.failureRateThreshold = Checks.inRange(percent, 1, 100, "failureRateThreshold");
      return this;
    }

    /**
     * Sets the number of failures within {@link #failureCountWindow(Duration)} that opens the
     * breaker regardless of volume; {@code 0} switches the count rule off.
     *
     * @throws IllegalArgumentException unless in {@code [0, MAX_FAILURE_COUNT]}
     */
    public Builder failureCountThreshold(int failures) {
      this.failureCountThreshold =
          (int) Checks.inRange(failures, 0, MAX_FAILURE_COUNT, "failureCountThreshold");
      return this;
    }

    /**
     * Sets the window of the count rule.
     *
     * @throws IllegalArgumentException unless in {@code (0, 1h]}
     */
    public Builder failureCountWindow(Duration window) {
      Checks.positive(window, "failureCountWindow");
      Checks.argument(
          window.compareTo(Duration.ofHours(1)) <= 0,
          "failureCountWindow must be <= PT1H: %s",
          window);
      this.failureCountWindow = window;
      return this;
    }

    /**
     * Sets the duration above which a call is slow.
     *
     * @throws IllegalArgumentException unless positive
     */
    public Builder slowCallDuration(Duration duration) {
      this.slowCallDuration = Checks.positive(duration, "slowCallDuration");
      return this;
    }

    /**
     * Sets the slow-call rate, in percent, that opens the breaker ({@code 100} = only when every
     * call in the window is slow).
     *
     * @throws IllegalArgumentException unless in {@code [1, 100]}
     */
    public Builder slowCallRateThreshold(double percent) {
      this.slowCallRateThreshold = Checks.inRange(percent, 1, 100, "slowCallRateThreshold");
      return this;
    }

    /**
     * Sets the first open-state wait.
     *
     * @throws IllegalArgumentException unless at least 1 ms
     */
    public Builder openWait(Duration wait) {
      Checks.positive(wait, "openWait");
      Checks.argument(wait.toMillis() >= 1, "openWait must be >= 1ms: %s", wait);
      this.openWait = wait;
      return this;
    }

    /**
     * Sets the factor by which the wait grows after each failed trial round ({@code 1} = constant).
     *
     * @throws IllegalArgumentException unless in {@code [1, 100]}
     */
    public Builder openWaitMultiplier(double multiplier) {
      this.openWaitMultiplier = Checks.inRange(multiplier, 1, 100, "openWaitMultiplier");
      return this;
    }

    /**
     * Sets the cap of the open-state wait.
     *
     * @throws IllegalArgumentException unless at least 1 ms
     */
    public Builder openWaitMax(Duration max) {
      Checks.positive(max, "openWaitMax");
      Checks.argument(max.toMillis() >= 1, "openWaitMax must be >= 1ms: %s", max);
      this.openWaitMax = max;
      return this;
    }

    /**
     * Sets the number of half-open trial calls.
     *
     * @throws IllegalArgumentException unless in {@code [1, 1000]}
     */
    public Builder halfOpenCalls(int calls) {
      this.halfOpenCalls = (int) Checks.inRange(calls, 1, 1000, "halfOpenCalls");
      return this;
    }

    /**
     * Sets how long {@link Breaker#callAsync} waits for the call's stage before failing it with a
     * {@link BreakerTimeoutException}; {@link Duration#ZERO} switches the timeout off. Set it above
     * the client's own timeout, as a backstop: a stage that never completes would otherwise hold
     * its permission (and, in the half-open state, a trial) for ever.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException unless zero or in {@code [1ms, 1h]}
     */
    public Builder callTimeout(Duration timeout) {
      Checks.notNegative(timeout, "callTimeout");
      Checks.argument(
          timeout.isZero()
              || (timeout.compareTo(Duration.ofMillis(1)) >= 0
                  && timeout.compareTo(Duration.ofHours(1)) <= 0),
          "callTimeout must be 0 (off) or in [PT0.001S, PT1H]: %s",
          timeout);
      this.callTimeout = timeout;
      return this;
    }

    /**
     * Sets which exceptions count as failures; exceptions it rejects count as successes (the
     * dependency answered). The breaker unwraps {@code CompletionException} and {@code
     * ExecutionException} first.
     *
     * @throws NullPointerException if {@code predicate} is null
     */
    public Builder recordException(Predicate<Throwable> predicate) {
      this.recordException = Checks.notNull(predicate, "predicate");
      return this;
    }

    /**
     * Sets which exceptions count as neither success nor failure; checked before {@link
     * #recordException(Predicate)}. The default ignores {@link BreakerOpenException} (a nested
     * breaker already counted that failure) and {@code CancellationException}.
     *
     * @throws NullPointerException if {@code predicate} is null
     */
    public Builder ignoreException(Predicate<Throwable> predicate) {
      this.ignoreException = Checks.notNull(predicate, "predicate");
      return this;
    }

    /**
     * Sets which returned values count as failures, like resilience4j's {@code recordResult}: the
     * value still reaches the caller, but the breaker records a failure. For example, count an HTTP
     * 503 answer as a failure: {@code recordResult(r -> r instanceof HttpResponse<?> h &&
     * h.statusCode() >= 500)}. Default: no value is a failure.
     *
     * @throws NullPointerException if {@code predicate} is null
     */
    public Builder recordResult(Predicate<@Nullable Object> predicate) {
      this.recordResult = Checks.notNull(predicate, "predicate");
      return this;
    }

    /**
     * Adds exception types to ignore, on top of the current ignore predicate.
     *
     * @throws NullPointerException if {@code types} or one of them is null
     * @throws IllegalArgumentException if one of them is not a {@link Throwable} type
     */
    public Builder ignoreExceptions(Class<?>... types) {
      Checks.notNull(types, "types");
      for (Class<?> type : types) {
        Checks.notNull(type, "types[]");
        Checks.argument(
            Throwable.class.isAssignableFrom(type), "types must be Throwable types: %s", type);
      }
      Class<?>[] copy = types.clone();
      Predicate<Throwable> previous = this.ignoreException;
      this.ignoreException =
          t -> {
            for (Class<?> type : copy) {
              if (type.isInstance(t)) {
                return true;
              }
            }
            return previous.test(t);
          };
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @throws IllegalStateException if {@code openWaitMax < openWait}
     */
    public BreakerConfig build() {
      Checks.state(
          openWaitMax.compareTo(openWait) >= 0,
          "openWaitMax (%s) must be >= openWait (%s)",
          openWaitMax,
          openWait);
      return new BreakerConfig(this);
    }
  }

  /** The default result rule: no value is a failure. */
  private static final class NoResult implements Predicate<@Nullable Object> {
    @Override
    public boolean test(@Nullable Object value) {
      return false;
    }

    @Override
    public String toString() {
      return "no result";
    }
  }

  /** A predicate with a readable toString, for configuration dumps. */
  private record NamedPredicate(String description, Predicate<Throwable> delegate)
      implements Predicate<Throwable> {
    @Override
    public boolean test(Throwable t) {
      return delegate.test(t);
    }

    @Override
    public String toString() {
      return description;
    }
  }
}
