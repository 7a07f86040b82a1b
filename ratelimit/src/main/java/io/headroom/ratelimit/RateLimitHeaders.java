package io.headroom.ratelimit;

import io.headroom.core.Checks;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTP response headers for a {@link Decision}.
 *
 * <ul>
 *   <li>{@code RateLimit-Policy} and {@code RateLimit} in the form of the IETF httpapi draft
 *       (draft-ietf-httpapi-ratelimit-headers): {@code "api";q=100;w=60} and {@code
 *       "api";r=42;t=17}. With several limits the policy lists each one, named {@code
 *       <limiter>-<window seconds>s}, and {@code RateLimit} describes the binding one.
 *   <li>{@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining} and {@code X-RateLimit-Reset}, the
 *       last in <b>seconds until the limit is full again</b> (a delta, like the draft's {@code t},
 *       not an epoch time), rounded up.
 *   <li>{@code Retry-After} (delta seconds) on a denial, rounded <b>up</b>, so a client that waits
 *       it is never early; at least 1.
 * </ul>
 *
 * <pre>{@code
 * RateLimitHeaders.of(decision).forEach(response::setHeader);
 * }</pre>
 *
 * <p>An unlimited decision has no headers. When Redis could not decide ({@code FAILED_OPEN}, {@code
 * UNAVAILABLE}) only the policy and the limit are sent, since the remaining count is unknown (plus
 * {@code Retry-After} for {@code UNAVAILABLE}). Stateless and thread-safe.
 */
public final class RateLimitHeaders {
  /** {@code RateLimit-Policy}. */
  public static final String POLICY = "RateLimit-Policy";

  /** {@code RateLimit}. */
  public static final String RATE_LIMIT = "RateLimit";

  /** {@code X-RateLimit-Limit}. */
  public static final String X_LIMIT = "X-RateLimit-Limit";

  /** {@code X-RateLimit-Remaining}. */
  public static final String X_REMAINING = "X-RateLimit-Remaining";

  /** {@code X-RateLimit-Reset}: seconds until the limit is full again. */
  public static final String X_RESET = "X-RateLimit-Reset";

  /** {@code Retry-After}. */
  public static final String RETRY_AFTER = "Retry-After";

  private RateLimitHeaders() {}

  /**
   * The headers for {@code decision}, in a stable order; an unmodifiable map.
   *
   * @throws NullPointerException if {@code decision} is null
   */
  public static Map<String, String> of(Decision decision) {
    Checks.notNull(decision, "decision");
    Limit binding = decision.binding();
    if (decision.reason() == Decision.Reason.UNLIMITED || binding == null) {
      return Map.of();
    }
    Map<String, String> h = new LinkedHashMap<>(8);
    List<Limit> limits = decision.limits();
    StringBuilder policy = new StringBuilder();
    for (Limit l : limits) {
      if (policy.length() > 0) {
        policy.append(", ");
      }
      policy
          .append('"')
          .append(itemName(decision.policy(), l, limits))
          .append("\";q=")
          .append(l.permits())
          .append(";w=")
          .append(l.windowSeconds());
    }
    h.put(POLICY, policy.toString());
    boolean known = !decision.degraded();
    long reset = ceilSeconds(decision.resetAfter());
    if (known) {
      h.put(
          RATE_LIMIT,
          "\""
              + itemName(decision.policy(), binding, limits)
              + "\";r="
              + decision.remaining()
              + ";t="
              + reset);
    }
    h.put(X_LIMIT, Long.toString(decision.limit()));
    if (known) {
      h.put(X_REMAINING, Long.toString(decision.remaining()));
      h.put(X_RESET, Long.toString(reset));
    }
    if (!decision.allowed()) {
      h.put(RETRY_AFTER, Long.toString(Math.max(1, ceilSeconds(decision.retryAfter()))));
    }
    return Collections.unmodifiableMap(h);
  }

  private static String itemName(String policy, Limit l, List<Limit> limits) {
    return limits.size() <= 1 ? policy : policy + "-" + l.windowSeconds() + "s";
  }

  /** Whole seconds, rounded up: 0 stays 0, 1 ns becomes 1. */
  static long ceilSeconds(Duration d) {
    long s = d.getSeconds();
    return d.getNano() > 0 ? s + 1 : s;
  }
}
