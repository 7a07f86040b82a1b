package io.headroom.health;

import io.headroom.core.Checks;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a probe sees of one check: its debounced status (after the failure and success thresholds
 * and the staleness rule) and the facts of its last run. Immutable.
 *
 * @param name the check's name
 * @param status the debounced status; {@link Status#UNKNOWN} before the first run or when stale
 * @param critical whether a failure fails its groups, rather than degrading them
 * @param details the last run's details
 * @param error the last run's error, or a staleness explanation, or null
 * @param duration how long the last run took (the timeout for a run that timed out)
 * @param lastChecked when the last run finished, or null before the first
 * @param streak how many runs in a row had the last run's outcome (healthy or failing)
 */
public record CheckState(
    String name,
    Status status,
    boolean critical,
    Map<String, Object> details,
    @Nullable String error,
    Duration duration,
    @Nullable Instant lastChecked,
    int streak) {

  /**
   * Validates the components.
   *
   * @throws NullPointerException if a non-nullable component is null
   */
  public CheckState {
    Checks.notNull(name, "name");
    Checks.notNull(status, "status");
    Checks.notNull(details, "details");
    Checks.notNull(duration, "duration");
  }

  /** This check's contribution to its groups: a failing non-critical check only degrades them. */
  public Status effectiveStatus() {
    return critical || status.isHealthy() ? status : Status.DEGRADED;
  }
}
