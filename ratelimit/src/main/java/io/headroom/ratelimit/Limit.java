package io.headroom.ratelimit;

import io.headroom.core.Checks;
import io.headroom.core.internal.Durations;
import java.time.Duration;

/**
 * One quota: at most {@code permits} per {@code window}, refilled continuously (one permit every
 * {@code window / permits}), so a full window allows a burst of {@code permits} and never {@code 2
 * x permits} across a window boundary.
 *
 * <pre>{@code
 * Limit api = Limit.of(100, Duration.ofMinutes(1));
 * Limit auth = Limit.parse("5/15m");
 * }</pre>
 *
 * <p>Both engines work in whole microseconds: the interval between two permits is {@code window /
 * permits} rounded <em>up</em> to a microsecond, so a limit is never looser than written.
 *
 * @param permits how many permits a full window holds, {@code >= 1}
 * @param window how long it takes to refill them all, {@code >= 1 ms}
 */
public record Limit(long permits, Duration window) {
  /** The largest window accepted: 31 days. */
  public static final Duration MAX_WINDOW = Duration.ofDays(31);

  /** The largest number of permits accepted per window. */
  public static final long MAX_PERMITS = 1_000_000_000L;

  /**
   * Validates the limit.
   *
   * @throws IllegalArgumentException if {@code permits} is not in {@code [1, MAX_PERMITS]}, or
   *     {@code window} is shorter than 1 ms or longer than {@link #MAX_WINDOW}
   * @throws NullPointerException if {@code window} is null
   */
  public Limit {
    Checks.inRange(permits, 1, MAX_PERMITS, "permits");
    Checks.notNull(window, "window");
    Checks.argument(
        window.compareTo(Duration.ofMillis(1)) >= 0 && window.compareTo(MAX_WINDOW) <= 0,
        "window must be in [1ms, 31d]: %s",
        window);
  }

  /**
   * {@code permits} per {@code window}.
   *
   * @throws IllegalArgumentException see the canonical constructor
   */
  public static Limit of(long permits, Duration window) {
    return new Limit(permits, window);
  }

  /** {@code permits} per second. */
  public static Limit perSecond(long permits) {
    return new Limit(permits, Duration.ofSeconds(1));
  }

  /** {@code permits} per minute. */
  public static Limit perMinute(long permits) {
    return new Limit(permits, Duration.ofMinutes(1));
  }

  /** {@code permits} per hour. */
  public static Limit perHour(long permits) {
    return new Limit(permits, Duration.ofHours(1));
  }

  /**
   * Parses {@code "<permits>/<window>"}: {@code "100/1m"}, {@code "5/15m"}, {@code "10/s"}, {@code
   * "1000/1h"}, {@code "3/PT30S"}. A bare unit means one of it.
   *
   * @throws IllegalArgumentException naming the text if it is malformed or out of range
   */
  public static Limit parse(String text) {
    Checks.notNull(text, "text");
    String t = text.trim();
    int slash = t.indexOf('/');
    Checks.argument(
        slash > 0 && slash < t.length() - 1,
        "limit must look like 100/1m (permits/window): '%s'",
        text);
    long permits;
    try {
      permits = Long.parseLong(t.substring(0, slash).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("limit permits must be a whole number: '" + text + "'", e);
    }
    String w = t.substring(slash + 1).trim();
    if (!w.isEmpty() && Character.isLetter(w.charAt(0)) && !w.startsWith("P")) {
      w = "1" + w;
    }
    Duration window;
    try {
      window = Durations.parse(w);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "limit window must be a duration such as 1s, 1m, 15m, 1h: '" + text + "'", e);
    }
    try {
      return new Limit(permits, window);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad limit '" + text + "': " + e.getMessage(), e);
    }
  }

  /**
   * The interval between two permits in whole microseconds, rounded up: {@code ceil(window /
   * permits)}.
   */
  public long emissionIntervalMicros() {
    long us = windowMicros();
    return (us + permits - 1) / permits;
  }

  /**
   * The window the engines actually enforce, {@code permits x emissionIntervalMicros()}: equal to
   * {@link #window()} or longer by less than {@code permits} microseconds.
   */
  public Duration effectiveWindow() {
    return Duration.ofNanos(Math.multiplyExact(permits, emissionIntervalMicros()) * 1_000L);
  }

  long windowMicros() {
    return window.getSeconds() * 1_000_000L + window.getNano() / 1_000;
  }

  /** The window in whole seconds, rounded up (at least 1), as the {@code w} of the IETF header. */
  public long windowSeconds() {
    long s = window.getSeconds() + (window.getNano() > 0 ? 1 : 0);
    return Math.max(1, s);
  }

  /** {@code "100/PT1M"}-like text that {@link #parse} reads back. */
  @Override
  public String toString() {
    return permits + "/" + window;
  }
}
