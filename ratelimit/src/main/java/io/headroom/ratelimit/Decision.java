package io.headroom.ratelimit;

import io.headroom.core.Checks;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link RateLimiter} decided for one request: a value, never an exception.
 *
 * <pre>{@code
 * Decision d = limiter.tryAcquire("user:42");
 * if (!d.allowed()) {
 *   return d.reason() == Decision.Reason.UNAVAILABLE ? status(503) : status(429, d.retryAfter());
 * }
 * }</pre>
 *
 * <p>With several limits ({@code 5/min AND 5/15 min}) the numbers describe the {@linkplain
 * #binding() binding} limit: the one that denied, or, when allowed, the one with the fewest permits
 * left.
 *
 * @param allowed whether the request may proceed (always true in shadow mode and for {@link
 *     Reason#FAILED_OPEN})
 * @param remaining permits left in the binding limit after this decision
 * @param limit the binding limit's permits per window
 * @param resetAfter how long until the binding limit is full again
 * @param retryAfter when denied, how long until the same request would be allowed by every limit
 *     (rounded up, never early); zero when allowed
 * @param policy the limiter's name
 * @param reason why
 * @param binding the limit the numbers describe, or {@code null} for {@link Reason#UNLIMITED}
 * @param limits all limits of the limiter, in the order they were given
 */
public record Decision(
    boolean allowed,
    long remaining,
    long limit,
    Duration resetAfter,
    Duration retryAfter,
    String policy,
    Reason reason,
    @Nullable Limit binding,
    List<Limit> limits) {

  /** Why a decision came out as it did. */
  public enum Reason {
    /** Every limit had room; the request was charged to all of them. */
    ALLOWED(true),
    /** A limit had no room (HTTP 429); nothing was charged. */
    DENIED(false),
    /**
     * The cost is larger than a limit's permits per window, so it can never be allowed (HTTP 429 or
     * 413); nothing was charged. {@code retryAfter} is that limit's window, a bound rather than a
     * promise: waiting does not help.
     */
    COST_EXCEEDS_LIMIT(false),
    /** Shadow mode: a limit would have denied, but the request is let through and counted. */
    SHADOW_DENIED(true),
    /** The store (Redis) could not decide and the failure policy is {@code FAIL_OPEN}. */
    FAILED_OPEN(true),
    /**
     * The store (Redis) could not decide and the failure policy is {@code FAIL_CLOSED}: answer HTTP
     * 503, not 429, because the client did nothing wrong.
     */
    UNAVAILABLE(false),
    /** The limiter has no limits (the {@code admin} tier). */
    UNLIMITED(true);

    private final boolean allows;

    Reason(boolean allows) {
      this.allows = allows;
    }

    /** Whether a decision with this reason lets the request through. */
    public boolean allows() {
      return allows;
    }
  }

  /**
   * Validates the decision.
   *
   * @throws IllegalArgumentException if {@code allowed} contradicts {@code reason}, or a number is
   *     negative
   */
  public Decision {
    Checks.notNull(reason, "reason");
    Checks.notNull(policy, "policy");
    Checks.notNull(limits, "limits");
    Checks.argument(
        allowed == reason.allows(), "allowed=%s contradicts reason %s", allowed, reason);
    Checks.notNegative(remaining, "remaining");
    Checks.notNegative(limit, "limit");
    Checks.notNegative(resetAfter, "resetAfter");
    Checks.notNegative(retryAfter, "retryAfter");
  }

  /** The limit that denied the request (also in shadow mode), if one did. */
  public Optional<Limit> deniedBy() {
    return reason == Reason.DENIED
            || reason == Reason.COST_EXCEEDS_LIMIT
            || reason == Reason.SHADOW_DENIED
        ? Optional.ofNullable(binding)
        : Optional.empty();
  }

  /** Whether the store could not decide and the failure policy decided instead. */
  public boolean degraded() {
    return reason == Reason.FAILED_OPEN || reason == Reason.UNAVAILABLE;
  }

  static Decision unlimited(String policy) {
    return new Decision(
        true,
        Long.MAX_VALUE,
        Long.MAX_VALUE,
        Duration.ZERO,
        Duration.ZERO,
        policy,
        Reason.UNLIMITED,
        null,
        List.of());
  }
}
