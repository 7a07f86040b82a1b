package io.headroom.health;

import io.headroom.core.Checks;
import io.headroom.core.Settings;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How one {@link HealthCheck} is registered: its name, groups, timeout, interval, hysteresis
 * thresholds, criticality and allowed staleness.
 *
 * <pre>{@code
 * health.register(CheckConfig.builder("search", () -> search.ping() ? CheckResult.up() : CheckResult.down("no pong"))
 *     .groups(HealthGroup.READINESS)
 *     .timeout(Duration.ofMillis(500))
 *     .interval(Duration.ofSeconds(5))
 *     .failureThreshold(3)
 *     .critical(false)            // a dead search engine degrades, it does not fail readiness
 *     .dependency(true)
 *     .build());
 * }</pre>
 *
 * <p>Defaults: group readiness, timeout 2s, interval 10s, failure threshold 2, success threshold 1,
 * critical, stale after {@code 3 * interval + timeout}. A check marked as a {@link
 * Builder#dependency(boolean) dependency} is refused in the liveness group unless {@link
 * Builder#forceLiveness(boolean) forced}: a dead database must not make Kubernetes restart every
 * pod. Immutable and thread-safe.
 */
public final class CheckConfig {
  private final String name;
  private final HealthCheck check;
  private final Set<HealthGroup> groups;
  private final Duration timeout;
  private final Duration interval;
  private final int failureThreshold;
  private final int successThreshold;
  private final boolean critical;
  private final Duration staleAfter;
  private final boolean dependency;
  private final boolean forceLiveness;

  private CheckConfig(Builder b) {
    this.name = b.name;
    this.check = b.check;
    this.groups = Collections.unmodifiableSet(EnumSet.copyOf(b.groups));
    this.timeout = b.timeout;
    this.interval = b.interval;
    this.failureThreshold = b.failureThreshold;
    this.successThreshold = b.successThreshold;
    this.critical = b.critical;
    Duration stale = b.staleAfter;
    this.staleAfter = stale != null ? stale : b.interval.multipliedBy(3).plus(b.timeout);
    this.dependency = b.dependency;
    this.forceLiveness = b.forceLiveness;
  }

  /**
   * Starts a configuration for {@code check} under {@code name}.
   *
   * @param name a short stable name such as {@code "redis"}; shown in JSON and as a metric tag
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} breaks the naming rule of {@link
   *     Settings#checkName(String)} (1 to 64 of {@code [A-Za-z0-9_.-]})
   */
  public static Builder builder(String name, HealthCheck check) {
    return new Builder(name, check);
  }

  /** A builder holding this configuration's values. */
  public Builder toBuilder() {
    Builder b = new Builder(name, check);
    b.groups = EnumSet.copyOf(groups);
    b.timeout = timeout;
    b.interval = interval;
    b.failureThreshold = failureThreshold;
    b.successThreshold = successThreshold;
    b.critical = critical;
    b.staleAfter = staleAfter;
    b.dependency = dependency;
    b.forceLiveness = forceLiveness;
    return b;
  }

  /** The check's name. */
  public String name() {
    return name;
  }

  /** The check itself. */
  public HealthCheck check() {
    return check;
  }

  /** The groups the check belongs to; never empty. */
  public Set<HealthGroup> groups() {
    return groups;
  }

  /** How long one run may take before it counts as {@link Status#DOWN}. */
  public Duration timeout() {
    return timeout;
  }

  /** The time between the starts of two background runs. */
  public Duration interval() {
    return interval;
  }

  /** How many failing runs in a row turn a healthy check {@link Status#DOWN}. */
  public int failureThreshold() {
    return failureThreshold;
  }

  /** How many healthy runs in a row bring a failing check back up. */
  public int successThreshold() {
    return successThreshold;
  }

  /** Whether a failure fails the groups ({@code true}) or only degrades them. */
  public boolean critical() {
    return critical;
  }

  /** How old the last result may be before probes report {@link Status#UNKNOWN}. */
  public Duration staleAfter() {
    return staleAfter;
  }

  /** Whether the check looks at a dependency (database, cache, breaker) rather than the process. */
  public boolean dependency() {
    return dependency;
  }

  /** Whether a dependency check was explicitly allowed in the liveness group. */
  public boolean forceLiveness() {
    return forceLiveness;
  }

  @Override
  public String toString() {
    return "CheckConfig{name="
        + name
        + ", groups="
        + groups
        + ", timeout="
        + timeout
        + ", interval="
        + interval
        + ", failureThreshold="
        + failureThreshold
        + ", successThreshold="
        + successThreshold
        + ", critical="
        + critical
        + ", staleAfter="
        + staleAfter
        + ", dependency="
        + dependency
        + "}";
  }

  /** Builds a {@link CheckConfig}; setters reject bad values at once. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private final HealthCheck check;
    private EnumSet<HealthGroup> groups = EnumSet.of(HealthGroup.READINESS);
    private Duration timeout = Duration.ofSeconds(2);
    private Duration interval = Duration.ofSeconds(10);
    private int failureThreshold = 2;
    private int successThreshold = 1;
    private boolean critical = true;
    private @Nullable Duration staleAfter;
    private boolean dependency;
    private boolean forceLiveness;

    private Builder(String name, HealthCheck check) {
      this.name = Settings.checkName(name);
      this.check = Checks.notNull(check, "check");
    }

    /**
     * Sets the groups the check belongs to (replacing the default, readiness).
     *
     * @throws NullPointerException if a group is null
     */
    public Builder groups(HealthGroup first, HealthGroup... more) {
      EnumSet<HealthGroup> set = EnumSet.of(Checks.notNull(first, "first"));
      for (HealthGroup g : Checks.notNull(more, "more")) {
        set.add(Checks.notNull(g, "group"));
      }
      this.groups = set;
      return this;
    }

    /**
     * Sets how long one run may take; a run that takes longer is {@link Status#DOWN} with the error
     * {@code "timed out after N ms"}.
     *
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Checks.positive(timeout, "timeout");
      return this;
    }

    /**
     * Sets the time between the starts of two background runs.
     *
     * @throws IllegalArgumentException if {@code interval} is not positive
     */
    public Builder interval(Duration interval) {
      this.interval = Checks.positive(interval, "interval");
      return this;
    }

    /**
     * Sets how many failing runs in a row turn a healthy check down (hysteresis).
     *
     * @throws IllegalArgumentException if {@code failureThreshold} is not positive
     */
    public Builder failureThreshold(int failureThreshold) {
      this.failureThreshold = Checks.positive(failureThreshold, "failureThreshold");
      return this;
    }

    /**
     * Sets how many healthy runs in a row bring a failing check back up (hysteresis).
     *
     * @throws IllegalArgumentException if {@code successThreshold} is not positive
     */
    public Builder successThreshold(int successThreshold) {
      this.successThreshold = Checks.positive(successThreshold, "successThreshold");
      return this;
    }

    /** Sets whether a failure fails the groups (default) or only degrades them. */
    public Builder critical(boolean critical) {
      this.critical = critical;
      return this;
    }

    /**
     * Sets how old the last result may be before probes report {@link Status#UNKNOWN}; default
     * {@code 3 * interval + timeout}.
     *
     * @throws IllegalArgumentException if {@code staleAfter} is not positive
     */
    public Builder staleAfter(Duration staleAfter) {
      this.staleAfter = Checks.positive(staleAfter, "staleAfter");
      return this;
    }

    /** Marks the check as looking at a dependency, which keeps it out of liveness. */
    public Builder dependency(boolean dependency) {
      this.dependency = dependency;
      return this;
    }

    /**
     * Allows a dependency check in the liveness group. Think twice: when the dependency dies, every
     * pod fails liveness at once and Kubernetes restarts them all, which cures nothing.
     */
    public Builder forceLiveness(boolean forceLiveness) {
      this.forceLiveness = forceLiveness;
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @throws IllegalStateException if a dependency check is in liveness without {@code
     *     forceLiveness}, or {@code staleAfter} is shorter than {@code interval}
     */
    public CheckConfig build() {
      Checks.state(
          !(dependency && !forceLiveness && groups.contains(HealthGroup.LIVENESS)),
          "check '%s' looks at a dependency and is refused in the liveness group: a dead"
              + " dependency would make Kubernetes restart every pod; put it in readiness, or"
              + " call forceLiveness(true) if you really mean it",
          name);
      Duration stale = staleAfter;
      Checks.state(
          stale == null || stale.compareTo(interval) >= 0,
          "staleAfter (%s) must be >= interval (%s) for check '%s'",
          stale,
          interval,
          name);
      return new CheckConfig(this);
    }
  }
}
