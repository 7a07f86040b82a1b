package io.headroom.idgen;

import java.time.Duration;

/**
 * Thrown by {@link IdGenerator#nextId()} when the wall clock stepped back so far that the last
 * issued ID lies further ahead of the clock than the {@link ClockBackwardsPolicy} is willing to
 * wait. Issuing resumes by itself once the clock catches up. Stackless, since it is thrown on the
 * hot path.
 *
 * <p>Immutable and safe to share between threads.
 */
public final class ClockMovedBackwardsException extends IdGeneratorException {
  private static final long serialVersionUID = 1L;

  private final Duration step;
  private final Duration behind;
  private final Duration maxWait;

  /**
   * Creates the exception.
   *
   * @param step how far the wall clock stepped back when the step was detected
   * @param behind how far the clock is now behind the last issued ID
   * @param maxWait how long the policy would have waited
   */
  public ClockMovedBackwardsException(Duration step, Duration behind, Duration maxWait) {
    super(
        "clock moved backwards by "
            + step.toMillis()
            + " ms: the last ID was issued "
            + behind.toMillis()
            + " ms ahead of the clock, more than the "
            + maxWait.toMillis()
            + " ms the clock-backwards policy waits; no IDs until the clock catches up",
        null,
        false);
    this.step = step;
    this.behind = behind;
    this.maxWait = maxWait;
  }

  /** How far the wall clock stepped back when the step was detected. */
  public Duration step() {
    return step;
  }

  /** How far the clock was behind the last issued ID when this was thrown. */
  public Duration behind() {
    return behind;
  }

  /** The wait bound of the policy in force. */
  public Duration maxWait() {
    return maxWait;
  }
}
