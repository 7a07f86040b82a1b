package io.headroom.ratelimit;

import io.headroom.core.Checks;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
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
 * <p>A result that may gain fields, so a final class with accessors and factories rather than a
 * record (Caffeine's {@code CacheStats}): a new field breaks nobody. Immutable and thread-safe.
 */
public final class Decision {
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

  private static final Duration NO_WAIT = Duration.ZERO;

  private final boolean allowed;
  private final long remaining;
  private final long limit;
  private final Duration resetAfter;
  private final Duration retryAfter;
  private final String policy;
  private final Reason reason;
  private final @Nullable Limit binding;
  private final List<Limit> limits;

  private Decision(
      Reason reason,
      String policy,
      List<Limit> limits,
      @Nullable Limit binding,
      long remaining,
      Duration resetAfter,
      Duration retryAfter) {
    this.allowed = reason.allows();
    this.remaining = remaining;
    this.limit = binding == null ? Long.MAX_VALUE : binding.permits();
    this.resetAfter = resetAfter;
    this.retryAfter = retryAfter;
    this.policy = policy;
    this.reason = reason;
    this.binding = binding;
    this.limits = limits;
  }

  /**
   * A decision, for tests and for limiters of your own; {@link #allowed()} follows from {@code
   * reason} and {@link #limit()} from {@code binding}.
   *
   * <pre>{@code
   * Decision d = Decision.of(Decision.Reason.DENIED, "api", List.of(perMinute), perMinute,
   *     0, Duration.ofSeconds(30), Duration.ofMillis(600));
   * }</pre>
   *
   * @param reason why
   * @param policy the limiter's name
   * @param limits all limits of the limiter, in the order they were given
   * @param binding the limit the numbers describe, one of {@code limits}; {@code null} exactly for
   *     {@link Reason#UNLIMITED}
   * @param remaining permits left in the binding limit after this decision
   * @param resetAfter how long until the binding limit is full again
   * @param retryAfter when denied, how long until the same request would be allowed; zero when
   *     allowed (except {@link Reason#SHADOW_DENIED}, which keeps the wait it would have had)
   * @throws NullPointerException if an argument other than {@code binding} is null
   * @throws IllegalArgumentException if a number or a duration is negative, or {@code binding}
   *     contradicts {@code reason} or is not one of {@code limits}
   */
  public static Decision of(
      Reason reason,
      String policy,
      List<Limit> limits,
      @Nullable Limit binding,
      long remaining,
      Duration resetAfter,
      Duration retryAfter) {
    Checks.notNull(reason, "reason");
    Checks.notNull(policy, "policy");
    List<Limit> all = List.copyOf(Checks.notNull(limits, "limits"));
    Checks.notNegative(remaining, "remaining");
    Checks.notNegative(resetAfter, "resetAfter");
    Checks.notNegative(retryAfter, "retryAfter");
    if (reason == Reason.UNLIMITED) {
      Checks.argument(binding == null, "an UNLIMITED decision has no binding limit: %s", binding);
    } else {
      Checks.argument(binding != null, "a %s decision needs its binding limit", reason);
      Checks.argument(
          all.contains(binding), "binding %s is not one of the limits %s", binding, all);
    }
    return new Decision(reason, policy, all, binding, remaining, resetAfter, retryAfter);
  }

  /**
   * The decision of a limiter without limits (the {@code admin} tier): allowed, with {@code
   * Long.MAX_VALUE} remaining and no binding limit.
   *
   * @throws NullPointerException if {@code policy} is null
   */
  public static Decision unlimited(String policy) {
    return new Decision(
        Reason.UNLIMITED,
        Checks.notNull(policy, "policy"),
        List.of(),
        null,
        Long.MAX_VALUE,
        NO_WAIT,
        NO_WAIT);
  }

  /** The engines' factory: arguments already valid, so nothing is checked (hot path). */
  static Decision create(
      Reason reason,
      String policy,
      List<Limit> limits,
      @Nullable Limit binding,
      long remaining,
      Duration resetAfter,
      Duration retryAfter) {
    return new Decision(reason, policy, limits, binding, remaining, resetAfter, retryAfter);
  }

  /**
   * Whether the request may proceed: always true in shadow mode and for {@link Reason#FAILED_OPEN};
   * the same as {@code reason().allows()}.
   */
  public boolean allowed() {
    return allowed;
  }

  /** Permits left in the binding limit after this decision. */
  public long remaining() {
    return remaining;
  }

  /** The binding limit's permits per window ({@code Long.MAX_VALUE} when unlimited). */
  public long limit() {
    return limit;
  }

  /** How long until the binding limit is full again. */
  public Duration resetAfter() {
    return resetAfter;
  }

  /**
   * When denied, how long until the same request would be allowed by every limit (rounded up, never
   * early); zero when allowed. For {@link Reason#UNAVAILABLE}, when the limiter's breaker lets the
   * next call through to Redis, at least one second.
   */
  public Duration retryAfter() {
    return retryAfter;
  }

  /** The limiter's name. */
  public String policy() {
    return policy;
  }

  /** Why the decision came out as it did. */
  public Reason reason() {
    return reason;
  }

  /** The limit the numbers describe, or {@code null} for {@link Reason#UNLIMITED}. */
  public @Nullable Limit binding() {
    return binding;
  }

  /** All limits of the limiter, in the order they were given. */
  public List<Limit> limits() {
    return limits;
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

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Decision d
        && reason == d.reason
        && remaining == d.remaining
        && policy.equals(d.policy)
        && resetAfter.equals(d.resetAfter)
        && retryAfter.equals(d.retryAfter)
        && Objects.equals(binding, d.binding)
        && limits.equals(d.limits);
  }

  @Override
  public int hashCode() {
    return Objects.hash(reason, remaining, policy, resetAfter, retryAfter, binding, limits);
  }

  @Override
  public String toString() {
    return "Decision{"
        + reason
        + ", policy="
        + policy
        + ", remaining="
        + remaining
        + ", limit="
        + limit
        + ", resetAfter="
        + resetAfter
        + ", retryAfter="
        + retryAfter
        + ", binding="
        + binding
        + ", limits="
        + limits
        + "}";
  }
}
