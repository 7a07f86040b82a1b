package io.headroom.ratelimit;

import io.headroom.core.Checks;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A limiter's name and limits, and the one place that turns per-limit numbers into a {@link
 * Decision}, so both engines report alike.
 */
final class Spec {
  final String name;
  final List<Limit> limits;
  final int n;
  final long[] permits;
  final long[] intervalMicros;

  Spec(String name, List<Limit> limits) {
    this.name = name;
    this.limits = List.copyOf(limits);
    this.n = this.limits.size();
    this.permits = new long[n];
    this.intervalMicros = new long[n];
    for (int i = 0; i < n; i++) {
      permits[i] = this.limits.get(i).permits();
      intervalMicros[i] = this.limits.get(i).emissionIntervalMicros();
    }
  }

  static void checkDistinct(List<Limit> limits) {
    Set<Limit> seen = new HashSet<>();
    for (Limit l : limits) {
      Checks.argument(seen.add(Checks.notNull(l, "limit")), "limit %s is given twice", l);
    }
    Checks.argument(limits.size() <= 8, "at most 8 limits per limiter: %s", limits);
  }

  /**
   * Validates a key and a cost: NullPointerException for a null key, IllegalArgumentException
   * naming the problem and (a prefix of) the value otherwise.
   */
  static void checkKey(String key, long cost) {
    Checks.notNull(key, "key");
    int len = key.length();
    if (len == 0) {
      throw new IllegalArgumentException("key must not be empty: ''");
    }
    if (len > RateLimiter.MAX_KEY_BYTES / 3 && utf8Length(key) > RateLimiter.MAX_KEY_BYTES) {
      throw new IllegalArgumentException(
          "key must be at most "
              + RateLimiter.MAX_KEY_BYTES
              + " UTF-8 bytes, not "
              + utf8Length(key)
              + ": '"
              + key.substring(0, 32)
              + "...'");
    }
    if (cost <= 0) {
      throw new IllegalArgumentException("cost must be > 0: " + cost);
    }
  }

  static int utf8Length(String s) {
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /** The decision for a single limit. Times in nanoseconds. */
  Decision one(long cost, boolean allowed, long remaining, long resetNanos, long retryNanos) {
    Limit l = limits.get(0);
    if (allowed) {
      return Decision.create(
          Decision.Reason.ALLOWED,
          name,
          limits,
          l,
          Math.max(0, remaining),
          Duration.ofNanos(Math.max(0, resetNanos)),
          Duration.ZERO);
    }
    boolean tooBig = cost > l.permits();
    return Decision.create(
        tooBig ? Decision.Reason.COST_EXCEEDS_LIMIT : Decision.Reason.DENIED,
        name,
        limits,
        l,
        Math.max(0, remaining),
        Duration.ofNanos(Math.max(0, resetNanos)),
        tooBig ? l.effectiveWindow() : Duration.ofNanos(Math.max(1, retryNanos)));
  }

  /**
   * The decision over several limits. When allowed, the binding limit is the one with the fewest
   * permits left (the later reset on a tie); when denied, a limit the cost can never fit, else the
   * denying limit with the longest wait, and retryAfter is the longest wait of all.
   */
  Decision many(
      long cost, boolean allowed, long[] remaining, long[] resetNanos, long[] retryNanos) {
    if (n == 1) {
      return one(cost, allowed, remaining[0], resetNanos[0], retryNanos[0]);
    }
    int b = 0;
    if (allowed) {
      for (int i = 1; i < n; i++) {
        if (remaining[i] < remaining[b]
            || (remaining[i] == remaining[b] && resetNanos[i] > resetNanos[b])) {
          b = i;
        }
      }
      return one(b, true, remaining[b], resetNanos[b], 0, false);
    }
    int tooBig = -1;
    long retry = 0;
    b = -1;
    for (int i = 0; i < n; i++) {
      if (cost > permits[i] && tooBig < 0) {
        tooBig = i;
      }
      if (retryNanos[i] > 0 && (b < 0 || retryNanos[i] > retryNanos[b])) {
        b = i;
      }
      retry = Math.max(retry, retryNanos[i]);
    }
    if (tooBig >= 0) {
      return one(
          tooBig,
          false,
          remaining[tooBig],
          resetNanos[tooBig],
          limits.get(tooBig).effectiveWindow().toNanos(),
          true);
    }
    if (b < 0) {
      b = 0;
    }
    return one(b, false, remaining[b], resetNanos[b], Math.max(1, retry), false);
  }

  private Decision one(
      int i, boolean allowed, long remaining, long resetNanos, long retryNanos, boolean tooBig) {
    Limit l = limits.get(i);
    return Decision.create(
        allowed
            ? Decision.Reason.ALLOWED
            : tooBig ? Decision.Reason.COST_EXCEEDS_LIMIT : Decision.Reason.DENIED,
        name,
        limits,
        l,
        Math.max(0, remaining),
        Duration.ofNanos(Math.max(0, resetNanos)),
        allowed ? Duration.ZERO : Duration.ofNanos(retryNanos));
  }

  /** The shortest wait an {@link Decision.Reason#UNAVAILABLE} decision announces. */
  static final Duration MIN_UNAVAILABLE_WAIT = Duration.ofSeconds(1);

  /** {@link Decision.Reason#FAILED_OPEN}: the store cannot decide, the policy allows. */
  Decision failedOpen() {
    Limit l = smallest();
    return Decision.create(
        Decision.Reason.FAILED_OPEN, name, limits, l, l.permits(), Duration.ZERO, Duration.ZERO);
  }

  /**
   * {@link Decision.Reason#UNAVAILABLE}: the store cannot decide, the policy denies; {@code
   * retryAfter} is at least {@link #MIN_UNAVAILABLE_WAIT}.
   */
  Decision unavailable(Duration retryAfter) {
    Duration wait =
        retryAfter.compareTo(MIN_UNAVAILABLE_WAIT) < 0 ? MIN_UNAVAILABLE_WAIT : retryAfter;
    return Decision.create(
        Decision.Reason.UNAVAILABLE, name, limits, smallest(), 0, Duration.ZERO, wait);
  }

  /** The limit with the fewest permits (the first on a tie): the one a degraded decision names. */
  private Limit smallest() {
    Limit l = limits.get(0);
    for (Limit x : limits) {
      if (x.permits() < l.permits()) {
        l = x;
      }
    }
    return l;
  }

  @Override
  public String toString() {
    return name + limits;
  }
}
