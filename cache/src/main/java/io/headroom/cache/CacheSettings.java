package io.headroom.cache;

import io.headroom.core.Settings;
import io.headroom.redis.RedisConnector;
import java.time.Duration;
import java.util.Objects;

/**
 * Applies the {@code HEADROOM_CACHE_<NAME>_*} settings to a {@link TieredCache.Builder} at build
 * time, through core's one mechanism ({@link Settings#override}, {@link Settings#apply}): every
 * value goes through the builder's own setter, so the ranges are the same as in code, and a value
 * the parser or the setter rejects becomes a {@link io.headroom.core.SettingsException} naming the
 * full key and the value.
 */
final class CacheSettings {
  static final String MODULE = "cache";
  static final String LOCAL_MAX_SIZE = "LOCAL_MAX_SIZE";
  static final String LOCAL_TTL = "LOCAL_TTL";
  static final String REMOTE_TTL = "REMOTE_TTL";
  static final String NEGATIVE_TTL = "NEGATIVE_TTL";
  static final String JITTER = "JITTER";
  static final String COMPRESS_ABOVE = "COMPRESS_ABOVE";
  static final String EARLY_REFRESH_BETA = "EARLY_REFRESH_BETA";
  static final String REFRESH_AHEAD = "REFRESH_AHEAD";
  static final String DISTRIBUTED_LOAD_LOCK = "DISTRIBUTED_LOAD_LOCK";
  static final String LOAD_LOCK_LEASE = "LOAD_LOCK_LEASE";
  static final String LOAD_LOCK_MAX_WAIT = "LOAD_LOCK_MAX_WAIT";
  static final String NAMESPACE = "NAMESPACE";

  private CacheSettings() {}

  static <K, V> void apply(Settings all, TieredCache.Builder<K, V> b) {
    Settings s = all.forComponent(MODULE, b.name);
    local(s, b);
    s.override(
        REMOTE_TTL,
        Settings.DURATION,
        ttl -> {
          RedisConnector connector = b.connector;
          if (connector == null) {
            throw new IllegalArgumentException(
                "remote(connector, ttl) is not configured in code, so there is no L2 to set a TTL"
                    + " for");
          }
          b.remote(connector, ttl);
        });
    s.override(NEGATIVE_TTL, Settings.DURATION, b::negativeTtl);
    s.override(JITTER, Settings.DOUBLE, b::jitter);
    s.override(COMPRESS_ABOVE, Settings.INT, b::compressAbove);
    if (s.contains(EARLY_REFRESH_BETA) && s.contains(REFRESH_AHEAD)) {
      throw s.invalid(
          REFRESH_AHEAD,
          s.getString(REFRESH_AHEAD, ""),
          "set either " + s.fullKey(EARLY_REFRESH_BETA) + " or " + s.fullKey(REFRESH_AHEAD));
    }
    s.override(EARLY_REFRESH_BETA, Settings.DOUBLE, b::earlyRefresh);
    s.override(REFRESH_AHEAD, Settings.DURATION, b::refreshAhead);
    s.override(DISTRIBUTED_LOAD_LOCK, Settings.BOOLEAN, b::distributedLoadLock);
    if (s.contains(LOAD_LOCK_LEASE) || s.contains(LOAD_LOCK_MAX_WAIT)) {
      Duration lease = s.get(LOAD_LOCK_LEASE, Settings.DURATION, b.lockLease);
      Duration wait = s.get(LOAD_LOCK_MAX_WAIT, Settings.DURATION, b.lockWait);
      String key =
          lease.isZero() || !s.contains(LOAD_LOCK_MAX_WAIT) ? LOAD_LOCK_LEASE : LOAD_LOCK_MAX_WAIT;
      s.apply(key, () -> b.loadLock(lease, wait));
    }
    s.override(NAMESPACE, Settings.STRING, b::namespace);
  }

  /** {@code local(maxSize, ttl)} from one or both keys; enabling L1 from settings needs both. */
  private static <K, V> void local(Settings s, TieredCache.Builder<K, V> b) {
    boolean size = s.contains(LOCAL_MAX_SIZE);
    boolean ttl = s.contains(LOCAL_TTL);
    if (!size && !ttl) {
      return;
    }
    Duration current = b.localTtl;
    if (current == null && !(size && ttl)) {
      String given = size ? LOCAL_MAX_SIZE : LOCAL_TTL;
      throw s.invalid(
          given,
          s.getString(given, ""),
          "local(maxSize, ttl) is not configured in code: set both "
              + s.fullKey(LOCAL_MAX_SIZE)
              + " and "
              + s.fullKey(LOCAL_TTL)
              + " to enable L1");
    }
    long maxSize = s.get(LOCAL_MAX_SIZE, Settings.LONG, b.localMaxSize);
    Duration localTtl =
        ttl ? s.get(LOCAL_TTL, Settings.DURATION, Duration.ZERO) : Objects.requireNonNull(current);
    String key = size && (maxSize <= 0 || !ttl) ? LOCAL_MAX_SIZE : LOCAL_TTL;
    s.apply(key, () -> b.local(maxSize, localTtl));
  }
}
