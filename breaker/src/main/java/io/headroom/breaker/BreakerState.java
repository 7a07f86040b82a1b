package io.headroom.breaker;

/**
 * The state of a {@link Breaker}.
 *
 * <p>Immutable and thread-safe.
 */
public enum BreakerState {
  /** Calls flow and their outcomes are recorded; the breaker trips when a rule is exceeded. */
  CLOSED,
  /** Calls are rejected without reaching the dependency until the open-state wait has elapsed. */
  OPEN,
  /** A limited number of trial calls are let through to decide between closing and reopening. */
  HALF_OPEN,
  /** Switched off by configuration: every call is permitted and nothing is recorded. */
  DISABLED,
  /** Held open by an operator ({@link Breaker#forceOpen()}): every call is rejected. */
  FORCED_OPEN;

  /** Whether calls are rejected in this state (apart from half-open trials). */
  public boolean isOpen() {
    return this == OPEN || this == FORCED_OPEN;
  }
}
