package io.headroom.cache;

import io.headroom.core.Settings;
import java.time.Duration;
import java.util.Locale;

/**
 * Applies the {@code HEADROOM_CACHE_<NAME>_*} settings to a {@link TieredCache.Builder} at build
 * time. Every value goes through the builder's own setter, so the ranges are the same as in code; a
 * value the setter rejects becomes a {@link io.headroom.core.SettingsException} naming the full key
 * and the value.
 */
final class CacheSettings {
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

  static String prefix(String name) {
    String upper = name.toUpperCase(Locale.ROOT);
    StringBuilder sb = new StringBuilder("HEADROOM_CACHE_");
    for (int i = 0; i < upper.length(); i++) {
      char c = upper.charAt(i);
      sb.append((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c : '_');
    }
    return sb.append('_').toString();
  }

  static <K, V> void apply(Settings all, TieredCache.Builder<K, V> b) {
    Settings s = all.withPrefix(prefix(b.name));
    boolean size = s.contains(LOCAL_MAX_SIZE);
    boolean ttl = s.contains(LOCAL_TTL);
    if (size || ttl) {
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
      long maxSize = size ? s.getLong(LOCAL_MAX_SIZE, 0) : b.localMaxSize;
      Duration localTtl =
          ttl || current == null ? s.getDuration(LOCAL_TTL, Duration.ZERO) : current;
      String key = size && (maxSize <= 0 || !ttl) ? LOCAL_MAX_SIZE : LOCAL_TTL;
      guard(s, key, () -> b.local(maxSize, localTtl));
    }
    if (s.contains(REMOTE_TTL)) {
      Duration v = s.getDuration(REMOTE_TTL, Duration.ZERO);
      io.headroom.redis.RedisConnector connector = b.connector;
      if (connector == null) {
        throw s.invalid(
            REMOTE_TTL,
            s.getString(REMOTE_TTL, ""),
            "remote(connector, ttl) is not configured in code, so there is no L2 to set a TTL for");
      }
      guard(s, REMOTE_TTL, () -> b.remote(connector, v));
    }
    if (s.contains(NEGATIVE_TTL)) {
      Duration v = s.getDuration(NEGATIVE_TTL, Duration.ZERO);
      guard(s, NEGATIVE_TTL, () -> b.negativeTtl(v));
    }
    if (s.contains(JITTER)) {
      double v = s.getDouble(JITTER, 0);
      guard(s, JITTER, () -> b.jitter(v));
    }
    if (s.contains(COMPRESS_ABOVE)) {
      int v = s.getInt(COMPRESS_ABOVE, 0);
      guard(s, COMPRESS_ABOVE, () -> b.compressAbove(v));
    }
    if (s.contains(EARLY_REFRESH_BETA) && s.contains(REFRESH_AHEAD)) {
      throw s.invalid(
          REFRESH_AHEAD,
          s.getString(REFRESH_AHEAD, ""),
          "set either " + s.fullKey(EARLY_REFRESH_BETA) + " or " + s.fullKey(REFRESH_AHEAD));
    }
    if (s.contains(EARLY_REFRESH_BETA)) {
      double v = s.getDouble(EARLY_REFRESH_BETA, 0);
      guard(s, EARLY_REFRESH_BETA, () -> b.earlyRefresh(v));
    }
    if (s.contains(REFRESH_AHEAD)) {
      Duration v = s.getDuration(REFRESH_AHEAD, Duration.ZERO);
      guard(s, REFRESH_AHEAD, () -> b.refreshAhead(v));
    }
    if (s.contains(DISTRIBUTED_LOAD_LOCK)) {
      b.distributedLoadLock(s.getBoolean(DISTRIBUTED_LOAD_LOCK, false));
    }
    if (s.contains(LOAD_LOCK_LEASE) || s.contains(LOAD_LOCK_MAX_WAIT)) {
      Duration lease = s.getDuration(LOAD_LOCK_LEASE, b.lockLease);
      Duration wait = s.getDuration(LOAD_LOCK_MAX_WAIT, b.lockWait);
      String key =
          lease.isZero() || !s.contains(LOAD_LOCK_MAX_WAIT) ? LOAD_LOCK_LEASE : LOAD_LOCK_MAX_WAIT;
      guard(s, key, () -> b.loadLock(lease, wait));
    }
    if (s.contains(NAMESPACE)) {
      String v = s.getString(NAMESPACE, "");
      guard(s, NAMESPACE, () -> b.namespace(v));
    }
  }

  private static void guard(Settings s, String key, Runnable apply) {
    try {
      apply.run();
    } catch (IllegalArgumentException e) {
      throw s.invalid(key, s.getString(key, ""), String.valueOf(e.getMessage()));
    }
  }
}
