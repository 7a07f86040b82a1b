package io.headroom.health;

import io.headroom.core.Checks;
import java.util.List;

/**
 * The answer to one probe: the aggregate status, the lifecycle it was computed in, and every check
 * of the group in registration order. Immutable.
 *
 * @param status the aggregate status; its {@link Status#httpStatus()} is the probe's status code
 * @param lifecycle the lifecycle state when the report was made
 * @param checks the checks of the group, in registration order
 */
public record HealthReport(Status status, Lifecycle lifecycle, List<CheckState> checks) {

  /**
   * Validates and copies the components.
   *
   * @throws NullPointerException if a component is null
   */
  public HealthReport {
    Checks.notNull(status, "status");
    Checks.notNull(lifecycle, "lifecycle");
    checks = List.copyOf(Checks.notNull(checks, "checks"));
  }
}
