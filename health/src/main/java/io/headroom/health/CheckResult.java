package io.headroom.health;

import io.headroom.core.Checks;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What one run of a {@link HealthCheck} found: a status, details for the JSON {@code data} object,
 * and an error message when it is not up.
 *
 * <pre>{@code
 * return CheckResult.up().withDetail("latencyMs", 0.4);
 * return CheckResult.down("connection refused");
 * }</pre>
 *
 * <p>Detail values must be strings, numbers or booleans, and are kept in insertion order. Details
 * appear in the public probe bodies, so they must never carry secrets; the error message appears
 * only in the token-protected {@code /health/detailed}. Immutable.
 *
 * @param status the outcome
 * @param details values for the {@code data} object, in insertion order
 * @param error why the check is not up, or null
 */
public record CheckResult(Status status, Map<String, Object> details, @Nullable String error) {
  private static final CheckResult UP = new CheckResult(Status.UP, Map.of(), null);

  /**
   * Validates and copies the components.
   *
   * @throws NullPointerException if {@code status}, {@code details} or a key or value is null
   * @throws IllegalArgumentException if a detail value is not a String, Number or Boolean
   */
  public CheckResult {
    Checks.notNull(status, "status");
    details = copy(Checks.notNull(details, "details"));
  }

  /** An {@link Status#UP} result without details. */
  public static CheckResult up() {
    return UP;
  }

  /**
   * An {@link Status#UP} result with details.
   *
   * @throws NullPointerException if {@code details} is null
   */
  public static CheckResult up(Map<String, ?> details) {
    return new CheckResult(Status.UP, Map.copyOf(details), null);
  }

  /**
   * A {@link Status#DEGRADED} result: working but under pressure; probes still answer 200.
   *
   * @throws NullPointerException if {@code reason} is null
   */
  public static CheckResult degraded(String reason) {
    return new CheckResult(Status.DEGRADED, Map.of(), Checks.notNull(reason, "reason"));
  }

  /**
   * A {@link Status#DOWN} result.
   *
   * @throws NullPointerException if {@code reason} is null
   */
  public static CheckResult down(String reason) {
    return new CheckResult(Status.DOWN, Map.of(), Checks.notNull(reason, "reason"));
  }

  /**
   * A copy with one more detail (replacing a detail of the same key).
   *
   * @throws NullPointerException if {@code key} or {@code value} is null
   * @throws IllegalArgumentException if {@code value} is not a String, Number or Boolean
   */
  public CheckResult withDetail(String key, Object value) {
    Map<String, Object> more = new LinkedHashMap<>(details);
    more.put(Checks.notNull(key, "key"), Checks.notNull(value, "value"));
    return new CheckResult(status, more, error);
  }

  private static Map<String, Object> copy(Map<String, ?> details) {
    if (details.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> copy = new LinkedHashMap<>();
    for (Map.Entry<String, ?> e : details.entrySet()) {
      String key = Checks.notNull(e.getKey(), "details key");
      Object value = Checks.notNull(e.getValue(), "details[" + key + "]");
      Checks.argument(
          value instanceof String || value instanceof Number || value instanceof Boolean,
          "details[%s] must be a String, Number or Boolean: %s",
          key,
          value.getClass().getName());
      copy.put(key, value);
    }
    return Collections.unmodifiableMap(copy);
  }
}
