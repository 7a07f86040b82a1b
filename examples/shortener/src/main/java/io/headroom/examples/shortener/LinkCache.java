package io.headroom.examples.shortener;

import io.headroom.breaker.BreakerPreset;
import io.headroom.breaker.BreakerRegistry;
import io.headroom.cache.CacheCodec;
import io.headroom.cache.CacheCodecException;
import io.headroom.cache.CacheLoader;
import io.headroom.cache.KeyCodec;
import io.headroom.cache.TieredCache;
import io.headroom.core.Settings;
import io.headroom.core.Ticker;
import io.headroom.redis.RedisConnector;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The lookup cache in front of the shards, a headroom {@link TieredCache}: L1 in-process, then L2
 * on Redis when one is configured, then the store (the shard's replica). "Not found" is cached too,
 * for a shorter time, so a scan of random codes does not reach the database. Links never change
 * once created, so nothing needs invalidating; a put after creation reaches every tier (and, with
 * Redis, clears any stale negative entry on the other nodes).
 */
final class LinkCache implements AutoCloseable {
  /** The cache's name: its settings are {@code HEADROOM_CACHE_LINKS_*}. */
  static final String NAME = "links";

  static final int L1_SIZE = 100_000;
  static final Duration L1_TTL = Duration.ofMinutes(10);
  static final Duration L2_TTL = Duration.ofHours(1);
  static final Duration NEGATIVE_TTL = Duration.ofSeconds(30);

  private final TieredCache<String, Link> cache;

  /**
   * A cache over {@code loader} (the store's lookup), with L2 on {@code redis} when there is one.
   * The sizes and TTLs above are the code's defaults; {@code HEADROOM_CACHE_LINKS_*} in {@code
   * settings} override them.
   *
   * @throws io.headroom.core.SettingsException naming the key of a malformed setting
   */
  LinkCache(
      Settings settings,
      CacheLoader<String, Link> loader,
      @Nullable RedisConnector redis,
      BreakerRegistry breakers,
      MeterRegistry meters,
      Ticker ticker) {
    TieredCache.Builder<String, Link> b =
        TieredCache.<String, Link>builder(NAME)
            .local(L1_SIZE, L1_TTL)
            .negativeTtl(NEGATIVE_TTL)
            .codec(new LinkCodec())
            .keyCodec(KeyCodec.strings())
            .loader(loader)
            .meterRegistry(meters)
            .ticker(ticker);
    if (redis != null) {
      b.remote(redis, L2_TTL).breaker(breakers.breaker("cache-" + NAME, BreakerPreset.REDIS));
    }
    this.cache = b.settings(settings).build();
  }

  /** The link for {@code code}, or empty if there is none. */
  Optional<Link> get(String code) {
    return Optional.ofNullable(cache.get(code));
  }

  /** Stores a link just created, so that its first redirect is a hit on every tier. */
  void put(Link link) {
    cache.put(link.code(), link);
  }

  @Override
  public void close() {
    cache.close();
  }

  /** {@code code \n id \n createdMillis \n expiresMillis-or-empty \n url}, UTF-8. */
  static final class LinkCodec implements CacheCodec<Link> {
    @Override
    public byte[] encode(Link l) {
      Instant exp = l.expiresAt();
      String s =
          l.code()
              + '\n'
              + l.id()
              + '\n'
              + l.createdAt().toEpochMilli()
              + '\n'
              + (exp == null ? "" : Long.toString(exp.toEpochMilli()))
              + '\n'
              + l.url();
      return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Link decode(byte[] bytes) {
      String[] f = new String(bytes, StandardCharsets.UTF_8).split("\n", 5);
      if (f.length != 5) {
        throw new CacheCodecException("not an encoded link: " + f.length + " fields", null);
      }
      try {
        return new Link(
            f[0],
            Long.parseLong(f[1]),
            f[4],
            Instant.ofEpochMilli(Long.parseLong(f[2])),
            f[3].isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(f[3])));
      } catch (NumberFormatException e) {
        throw new CacheCodecException("not an encoded link: " + e.getMessage(), e);
      }
    }
  }
}
