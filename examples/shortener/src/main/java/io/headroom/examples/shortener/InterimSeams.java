package io.headroom.examples.shortener;

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
}
