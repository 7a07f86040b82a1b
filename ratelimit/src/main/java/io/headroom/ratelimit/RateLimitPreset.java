package io.headroom.ratelimit;

import java.time.Duration;
import java.util.List;

/**
 * The limits the reference applications use, per kind of endpoint. The {@code free} tier gets these
 * as they are; {@link TierTable} scales them for the other tiers.
 */
public enum RateLimitPreset {
  /** Logins and password resets: 5 per minute AND 5 per 15 minutes. */
  AUTH(Limit.perMinute(5), Limit.of(5, Duration.ofMinutes(15))),
  /** General API calls: 100 per minute. */
  API(Limit.perMinute(100)),
  /** Cheap reads: 1000 per minute. */
  READ(Limit.perMinute(1000)),
  /** Writes: 20 per minute. */
  WRITE(Limit.perMinute(20)),
  /** Expensive operations (exports, reports): 5 per hour. */
  EXPENSIVE(Limit.perHour(5)),
  /** The paying customers' API quota: 1000 per minute. */
  PREMIUM(Limit.perMinute(1000));

  @SuppressWarnings("ImmutableEnumChecker") // List.of of records: immutable
  private final List<Limit> limits;

  RateLimitPreset(Limit... limits) {
    this.limits = List.of(limits);
  }

  /** The preset's limits, which all apply together. */
  public List<Limit> limits() {
    return limits;
  }

  /**
   * The lower-case name used as a limiter name and in settings keys ({@code api}, {@code auth}).
   */
  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
