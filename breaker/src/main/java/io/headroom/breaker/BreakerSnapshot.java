package io.headroom.breaker;

import io.headroom.core.Checks;

/**
 * A point-in-time view of one breaker, for health checks and admin pages.
 *
 * <p>Rates are percentages in {@code [0, 100]}, or {@code -1} while the sliding window holds fewer
 * calls than the minimum the breaker needs to judge a rate (as in resilience4j). Call counts are
 * those of the current sliding window (they restart when the state changes), except {@code
 * notPermittedCalls}, which counts every rejected call since the breaker was created.
 *
 * @param name the breaker's name
 * @param state its state
 * @param failureRate failed calls as a percentage of the buffered calls, or -1
 * @param slowCallRate slow calls as a percentage of the buffered calls, or -1
 * @param bufferedCalls calls in the sliding window
 * @param failedCalls failed calls in the sliding window
 * @param slowCalls slow calls (successful or failed) in the sliding window
 * @param notPermittedCalls calls rejected since the breaker was created
 */
public record BreakerSnapshot(
    String name,
    BreakerState state,
    double failureRate,
    double slowCallRate,
    int bufferedCalls,
    int failedCalls,
    int slowCalls,
    long notPermittedCalls) {

  /**
   * Validates the snapshot.
   *
   * @throws NullPointerException if {@code name} or {@code state} is null
   * @throws IllegalArgumentException if a count is negative
   */
  public BreakerSnapshot {
    Checks.notNull(name, "name");
    Checks.notNull(state, "state");
    Checks.notNegative(bufferedCalls, "bufferedCalls");
    Checks.notNegative(failedCalls, "failedCalls");
    Checks.notNegative(slowCalls, "slowCalls");
    Checks.notNegative(notPermittedCalls, "notPermittedCalls");
  }
}
