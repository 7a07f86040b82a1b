package io.headroom.health;

/**
 * The health of one check, one group or the whole service.
 *
 * <p>Constants are declared from best to worst, so a group's status is the worst of its parts.
 * {@link #UP} and {@link #DEGRADED} answer HTTP 200; every other status answers 503.
 */
public enum Status {
  /** Everything works. */
  UP,
  /** Working, but a non-critical part is failing or a resource is under pressure; still 200. */
  DEGRADED,
  /** No fresh result: the check has not run yet or its last result is older than allowed. */
  UNKNOWN,
  /** Deliberately taken out of rotation, for example while draining for shutdown. */
  OUT_OF_SERVICE,
  /** Failing. */
  DOWN;

  /** Whether this status answers HTTP 200 ({@link #UP} or {@link #DEGRADED}). */
  public boolean isHealthy() {
    return this == UP || this == DEGRADED;
  }

  /** The HTTP status code a probe answers with: 200 when healthy, 503 otherwise. */
  public int httpStatus() {
    return isHealthy() ? 200 : 503;
  }

  /** The worse of this status and {@code other}. */
  public Status worst(Status other) {
    return other.compareTo(this) > 0 ? other : this;
  }

  /** The gauge value exported as {@code health.status}: 1 up, 0.5 degraded, 0 otherwise. */
  double gaugeValue() {
    return switch (this) {
      case UP -> 1.0;
      case DEGRADED -> 0.5;
      case UNKNOWN, OUT_OF_SERVICE, DOWN -> 0.0;
    };
  }
}
