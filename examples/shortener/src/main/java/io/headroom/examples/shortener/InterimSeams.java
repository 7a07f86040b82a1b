package io.headroom.examples.shortener;

import io.headroom.core.Ticker;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** Stand-ins used until headroom-cache and headroom-ratelimit are wired in. */
final class InterimSeams {
  private InterimSeams() {}

  /** An unbounded-by-time, size-capped in-process map; cleared when full. */
  static LinkCache mapCache(int maxSize) {
    ConcurrentHashMap<String, Optional<Link>> map = new ConcurrentHashMap<>();
    return new LinkCache() {
      @Override
      public Optional<Link> get(String code, Function<String, Optional<Link>> loader) {
        Optional<Link> v = map.get(code);
        if (v == null) {
          v = loader.apply(code);
          if (map.size() >= maxSize) {
            map.clear();
          }
          map.put(code, v);
        }
        return v;
      }

      @Override
      public void put(Link link) {
        map.put(link.code(), Optional.of(link));
      }

      @Override
      public void close() {
        map.clear();
      }
    };
  }

  /** A fixed-window counter per client. */
  static CreateLimiter fixedWindow(int permits, long windowNanos, Ticker ticker) {
    ConcurrentHashMap<String, long[]> windows = new ConcurrentHashMap<>();
    return client -> {
      long now = ticker.read();
      long[] w =
          windows.compute(
              client,
              (k, old) -> {
                if (old == null || now - old[0] >= windowNanos) {
                  return new long[] {now, 1};
                }
                old[1]++;
                return old;
              });
      long used;
      long start;
      synchronized (w) {
        used = w[1];
        start = w[0];
      }
      long resetSeconds =
          Math.max(1, (windowNanos - (now - start) + 999_999_999L) / 1_000_000_000L);
      long remaining = Math.max(0, permits - used);
      Map<String, String> h = new LinkedHashMap<>();
      h.put("RateLimit-Policy", "\"create\";q=" + permits + ";w=" + windowNanos / 1_000_000_000L);
      h.put("RateLimit", "\"create\";r=" + remaining + ";t=" + resetSeconds);
      h.put("X-RateLimit-Limit", Long.toString(permits));
      h.put("X-RateLimit-Remaining", Long.toString(remaining));
      h.put("X-RateLimit-Reset", Long.toString(resetSeconds));
      if (used > permits) {
        h.put("Retry-After", Long.toString(resetSeconds));
        return new CreateLimiter.Verdict(CreateLimiter.Outcome.LIMITED, h);
      }
      return new CreateLimiter.Verdict(CreateLimiter.Outcome.ALLOWED, h);
    };
  }
}
