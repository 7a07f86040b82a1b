package io.headroom.idgen;

import io.headroom.core.Checks;
import java.time.Duration;

/**
 * What {@link IdGenerator#nextId()} does when the wall clock has stepped back behind the last
 * issued ID: wait, busy-spinning, while the gap is at most {@code maxWait}, and throw {@link
 * ClockMovedBackwardsException} beyond it. Every detected step back is counted in the {@code
 * idgen.clock.backwards} meter whatever the policy.
 *
 * <pre>{@code
 * ClockBackwardsPolicy.DEFAULT                         // wait up to 5 ms
 * ClockBackwardsPolicy.waitUpTo(Duration.ofMillis(50))
 * ClockBackwardsPolicy.failFast()                      // never wait
 * }</pre>
 *
 * @param maxWait the largest gap that is waited out; zero fails at once
 */
public record ClockBackwardsPolicy(Duration maxWait) {

  /** Wait up to 5 ms, then fail. */
  public static final ClockBackwardsPolicy DEFAULT = new ClockBackwardsPolicy(Duration.ofMillis(5));

  /**
   * Validates the bound.
   *
   * @throws NullPointerException if {@code maxWait} is null
   * @throws IllegalArgumentException if {@code maxWait} is negative or longer than one second
   *     (callers would stall on the hot path)
   */
  public ClockBackwardsPolicy {
    Checks.notNegative(maxWait, "maxWait");
    Checks.argument(
        maxWait.compareTo(Duration.ofSeconds(1)) <= 0,
        "maxWait must be <= 1s (callers spin while they wait): %s",
        maxWait);
  }

  /**
   * Waits out steps back of up to {@code maxWait}.
   *
   * @throws IllegalArgumentException if {@code maxWait} is negative or over one second
   */
  public static ClockBackwardsPolicy waitUpTo(Duration maxWait) {
    return new ClockBackwardsPolicy(maxWait);
  }

  /** Never waits: throws as soon as the clock is behind the last issued ID. */
  public static ClockBackwardsPolicy failFast() {
    return new ClockBackwardsPolicy(Duration.ZERO);
  }
}
