package io.headroom.cache;

import io.headroom.breaker.Breaker;
import io.headroom.breaker.BreakerRegistry;
import io.headroom.core.Checks;
import io.headroom.core.Settings;
import io.headroom.core.Ticker;
import io.headroom.redis.RedisConnector;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A two-tier cache: Caffeine in the process (L1) over Redis (L2) over a loader. Reads go L1, then
 * L2, then the loader; what a tier misses is filled from the tier below.
 *
 * <pre>{@code
 * TieredCache<String, User> users = TieredCache.<String, User>builder("users")
 *     .local(10_000, Duration.ofMinutes(1))
 *     .remote(redis, Duration.ofMinutes(30))
 *     .codec(CacheCodec.json(User.class))
 *     .keyCodec(KeyCodec.strings())
 *     .loader(id -> db.findUser(id))          // null = not found
 *     .negativeTtl(Duration.ofSeconds(30))
 *     .meterRegistry(meters)
 *     .build();
 * User u = users.get("42");
 * users.put("42", changed);                   // other nodes drop "42" from their L1
 * }</pre>
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li>Concurrent misses of one key in one process call the loader once, whether they come from
 *       {@link #get}, {@link #getAll} or a background refresh; with {@linkplain
 *       Builder#distributedLoadLock distributed load lock} once across processes too (best effort:
 *       the lease is short and waiting is bounded).
 *   <li>{@link #put} and {@link #invalidate} write Redis and publish the invalidation in one
 *       script; every other node drops the key from its L1 when the message arrives. A fill that
 *       was in flight when an invalidation of its key arrived is not stored in L1.
 *   <li>After the pub/sub connection drops or resubscribes, L1 is cleared.
 *   <li>Redis failure is a miss: reads never wait longer than the command timeout, and not at all
 *       once the breaker is open. L1 and the loader keep serving.
 *   <li>A null key fails with a {@link NullPointerException} naming the argument before any tier is
 *       read.
 * </ul>
 *
 * <p>Thread-safe. Close it to unsubscribe; closing does not close the {@link RedisConnector}.
 *
 * @param <K> the key type (non-null, with proper {@code equals} and {@code hashCode})
 * @param <V> the value type
 */
public interface TieredCache<K, V> extends AutoCloseable {

  /**
   * A builder for a cache named {@code name}; the name appears in metrics tags, settings keys and
   * Redis keys.
   *
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} breaks the naming rule of {@link
   *     Settings#checkName(String)}: 1 to 64 characters from {@code [A-Za-z0-9_.-]}
   */
  static <K, V> Builder<K, V> builder(String name) {
    return new Builder<>(name);
  }

  /**
   * The settings key prefix of the cache named {@code name}, {@link Settings#componentPrefix
   * Settings.componentPrefix("cache", name)}: {@code "user-profiles"} reads {@code
   * HEADROOM_CACHE_USER_PROFILES_*}.
   *
   * @throws IllegalArgumentException if {@code name} breaks the naming rule of {@link
   *     Settings#checkName(String)}
   */
  static String settingsPrefix(String name) {
    return Settings.componentPrefix(CacheSettings.MODULE, name);
  }

  /** The cache's name. */
  String name();

  /**
   * The value of {@code key}, from L1, L2 or the loader.
   *
   * @return the value, or {@code null} if the loader found none
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalStateException if the cache has no loader
   * @throws CacheLoadException if the loader threw a checked exception
   * @throws RuntimeException what the loader threw, unchanged
   */
  @Nullable V get(K key);

  /**
   * The value of {@code key} from L1 or L2, without loading.
   *
   * @return the cached value, or {@code null} if neither tier has one (or it is cached as absent)
   * @throws NullPointerException if {@code key} is null
   */
  @Nullable V getIfPresent(K key);

  /**
   * The values of {@code keys}: L1 first, then one {@code MGET} for the L1 misses (pipelined per
   * Cluster slot), then the bulk loader once for what is still missing (or the loader per key when
   * there is no bulk loader). Keys another caller is loading are not loaded again: their loads are
   * joined.
   *
   * @return the keys that have a value, in the iteration order of {@code keys}
   * @throws NullPointerException if {@code keys} is or contains null (before any tier is read)
   * @throws IllegalStateException if the cache has neither a bulk loader nor a loader
   */
  Map<K, V> getAll(Collection<? extends K> keys);

  /**
   * Stores {@code value} in L1 and L2 and tells the other nodes to drop {@code key} from their L1.
   * A Redis failure is counted and otherwise ignored.
   *
   * @throws NullPointerException if {@code key} or {@code value} is null
   */
  void put(K key, V value);

  /**
   * Removes {@code key} from L1 and L2 and tells the other nodes to drop it from their L1.
   *
   * @throws NullPointerException if {@code key} is null
   */
  void invalidate(K key);

  /**
   * Invalidates every key of this cache on every node: bumps the generation number that is part of
   * every L2 key and tells the other nodes to clear L1. Old entries expire by their TTL; no {@code
   * KEYS} or {@code SCAN}.
   */
  void invalidateAll();

  /** {@link #get} on the cache's executor; an L1 hit completes at once. */
  CompletableFuture<@Nullable V> getAsync(K key);

  /** {@link #getAll} on the cache's executor. */
  CompletableFuture<Map<K, V>> getAllAsync(Collection<? extends K> keys);

  /** {@link #put}: L1 at once, the future completes when Redis has answered (or failed). */
  CompletableFuture<Void> putAsync(K key, V value);

  /** {@link #invalidate}: L1 at once, the future completes when Redis has answered (or failed). */
  CompletableFuture<Void> invalidateAsync(K key);

  /** {@link #invalidateAll}: L1 at once, the future completes when Redis has answered. */
  CompletableFuture<Void> invalidateAllAsync();

  /** The counters since the cache was built. */
  CacheStats stats();

  /** Unsubscribes from invalidation messages. Idempotent. */
  @Override
  void close();

  /** How a {@link TieredCache} refreshes entries before they expire. */
  enum EarlyRefresh {
    /** Entries expire; the next read misses. */
    NONE,
    /**
     * Probabilistic early expiration (XFetch, Vattani et al., PVLDB 2015): a read refreshes when
     * {@code now - delta * beta * ln(random) >= expiry}, where delta is how long the value took to
     * load, so expensive values refresh earlier and one reader usually refreshes alone.
     */
    XFETCH,
    /** Refresh-ahead: the first read within a fixed window before expiry refreshes. */
    AHEAD
  }

  /**
   * Configures a {@link TieredCache}. At least one of {@link #local} and {@link #remote} is
   * required. Setters reject bad values at once ({@link IllegalArgumentException}); {@link #build}
   * checks across fields ({@link IllegalStateException}).
   *
   * <p>Not thread-safe.
   *
   * @param <K> the key type
   * @param <V> the value type
   */
  final class Builder<K, V> {
    final String name;
    long localMaxSize = -1;
    @Nullable Duration localTtl;
    @Nullable RedisConnector connector;
    @Nullable Duration remoteTtl;
    @Nullable CacheCodec<V> codec;
    @Nullable KeyCodec<K> keyCodec;
    @Nullable Function<? super K, String> keyMapper;
    @Nullable CacheLoader<? super K, ? extends V> loader;
    @Nullable BulkLoader<K, V> bulkLoader;
    Duration negativeTtl = Duration.ZERO;
    double jitter = 0.1;
    EarlyRefresh earlyRefresh = EarlyRefresh.NONE;
    double beta = 1.0;
    Duration refreshAhead = Duration.ZERO;
    boolean distributedLoadLock;
    Duration lockLease = Duration.ofSeconds(5);
    Duration lockWait = Duration.ofSeconds(2);
    Duration lockPoll = Duration.ofMillis(20);
    int compressAbove;
    @Nullable Breaker breaker;
    @Nullable BreakerRegistry breakerRegistry;
    Hooks hooks = Hooks.NONE;
    @Nullable MeterRegistry meterRegistry;
    Ticker ticker = Ticker.system();
    Executor executor = ForkJoinPool.commonPool();
    String namespace = "headroom:cache";
    @Nullable Settings settings;

    Builder(String name) {
      this.name = Settings.checkName(name);
    }

    /**
     * Enables L1: at most {@code maxSize} entries, each living {@code ttl} (jittered).
     *
     * @throws IllegalArgumentException if {@code maxSize <= 0} or {@code ttl} is not positive
     */
    public Builder<K, V> local(long maxSize, Duration ttl) {
      this.localMaxSize = Checks.positive(maxSize, "maxSize");
      this.localTtl = Checks.positive(ttl, "ttl");
      return this;
    }

    /**
     * Enables L2 in Redis through {@code connector}, entries living {@code ttl} (jittered).
     * Requires a {@link #codec}.
     *
     * @throws NullPointerException if {@code connector} is null
     * @throws IllegalArgumentException if {@code ttl} is not positive
     */
    public Builder<K, V> remote(RedisConnector connector, Duration ttl) {
      this.connector = Checks.notNull(connector, "connector");
      this.remoteTtl = Checks.positive(ttl, "ttl");
      return this;
    }

    /** Sets how values are stored in Redis (required with {@link #remote}). */
    public Builder<K, V> codec(CacheCodec<V> codec) {
      this.codec = Checks.notNull(codec, "codec");
      return this;
    }

    /**
     * Sets how keys become Redis key names and back (default: {@code String.valueOf}, one way).
     * Preferred over {@link #keyMapper} for non-string keys.
     */
    public Builder<K, V> keyCodec(KeyCodec<K> keyCodec) {
      this.keyCodec = Checks.notNull(keyCodec, "keyCodec");
      this.keyMapper = null;
      return this;
    }

    /**
     * Sets a one-way key mapping for Redis key names. Invalidation messages about non-string keys
     * then cost a scan of L1; prefer {@link #keyCodec}.
     */
    public Builder<K, V> keyMapper(Function<? super K, String> keyMapper) {
      this.keyMapper = Checks.notNull(keyMapper, "keyMapper");
      this.keyCodec = null;
      return this;
    }

    /** Sets the loader of {@link TieredCache#get}; it returns {@code null} for "not found". */
    public Builder<K, V> loader(CacheLoader<? super K, ? extends V> loader) {
      this.loader = Checks.notNull(loader, "loader");
      return this;
    }

    /** Sets the loader of {@link TieredCache#getAll}, called once for all misses. */
    public Builder<K, V> bulkLoader(BulkLoader<K, V> bulkLoader) {
      this.bulkLoader = Checks.notNull(bulkLoader, "bulkLoader");
      return this;
    }

    /**
     * Remembers "not found" for {@code ttl} in both tiers (default: zero, not remembered). Keep it
     * short: a cached absence hides a row inserted by a path that does not {@code put} here.
     *
     * @throws IllegalArgumentException if {@code ttl} is negative
     */
    public Builder<K, V> negativeTtl(Duration ttl) {
      this.negativeTtl = Checks.notNegative(ttl, "negativeTtl");
      return this;
    }

    /**
     * Spreads every TTL uniformly over {@code ttl * (1 ± fraction)} so that entries written
     * together do not expire together (default 0.1; 0 turns it off).
     *
     * @throws IllegalArgumentException if {@code fraction} is not in [0, 0.5]
     */
    public Builder<K, V> jitter(double fraction) {
      this.jitter = Checks.inRange(fraction, 0.0, 0.5, "jitter");
      return this;
    }

    /**
     * XFetch early refresh with {@code beta} (1.0 is the paper's optimum; larger refreshes
     * earlier). Requires {@link #local}.
     *
     * @throws IllegalArgumentException if {@code beta} is not in (0, 100]
     */
    public Builder<K, V> earlyRefresh(double beta) {
      Checks.argument(beta > 0 && beta <= 100, "beta must be in (0, 100]: %s", beta);
      this.earlyRefresh = EarlyRefresh.XFETCH;
      this.beta = beta;
      return this;
    }

    /**
     * Refresh-ahead: a read within {@code window} of an L1 entry's expiry reloads it in the
     * background while readers keep the current value. Requires {@link #local}.
     *
     * @throws IllegalArgumentException if {@code window} is not positive
     */
    public Builder<K, V> refreshAhead(Duration window) {
      this.refreshAhead = Checks.positive(window, "refreshAhead");
      this.earlyRefresh = EarlyRefresh.AHEAD;
      return this;
    }

    /**
     * Takes a short lease in Redis before loading, so that across nodes one loader runs while the
     * others poll L2 for its result (default: off). Requires {@link #remote}.
     */
    public Builder<K, V> distributedLoadLock(boolean enabled) {
      this.distributedLoadLock = enabled;
      return this;
    }

    /**
     * Tunes the distributed load lock: the lease's TTL (default 5 s; longer than a slow load) and
     * how long others wait for the holder's value before loading themselves (default 2 s).
     *
     * @throws IllegalArgumentException if a duration is not positive
     */
    public Builder<K, V> loadLock(Duration lease, Duration maxWait) {
      this.lockLease = Checks.positive(lease, "lease");
      this.lockWait = Checks.positive(maxWait, "maxWait");
      return this;
    }

    /**
     * Deflates encoded values longer than {@code bytes} before they go to Redis (default 0: never).
     *
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public Builder<K, V> compressAbove(int bytes) {
      this.compressAbove = (int) Checks.notNegative(bytes, "compressAbove");
      return this;
    }

    /**
     * Sets the breaker in front of Redis, replacing any {@link #breakerRegistry}. The default is
     * {@link Breaker#forComponent Breaker.forComponent("cache", name, REDIS, settings,
     * meterRegistry, ticker)}: a {@code REDIS}-preset breaker named {@code cache-<name>}, with the
     * overrides {@code HEADROOM_BREAKER_CACHE_<NAME>_*} from {@link #settings}, this builder's
     * meter registry and ticker. Only a cache with {@link #remote} has a breaker.
     */
    public Builder<K, V> breaker(Breaker breaker) {
      this.breaker = Checks.notNull(breaker, "breaker");
      this.breakerRegistry = null;
      return this;
    }

    /**
     * Takes the breaker in front of Redis from {@code registry}: {@code registry.breaker("cache-" +
     * name, BreakerPreset.REDIS)}, with the registry's settings, meters and ticker. Replaces any
     * {@link #breaker(Breaker)}.
     */
    public Builder<K, V> breakerRegistry(BreakerRegistry registry) {
      this.breakerRegistry = Checks.notNull(registry, "registry");
      this.breaker = null;
      return this;
    }

    /**
     * Registers the cache's meters in {@code registry} (default: none, and then no meters
     * anywhere); the module README lists them.
     */
    public Builder<K, V> meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Checks.notNull(registry, "registry");
      return this;
    }

    /** Sets the time source of TTLs and load timings (default: {@link Ticker#system()}). */
    public Builder<K, V> ticker(Ticker ticker) {
      this.ticker = Checks.notNull(ticker, "ticker");
      return this;
    }

    /**
     * Sets where async operations and background refreshes run (default: the common pool). Loads of
     * {@link TieredCache#get} run on the calling thread.
     */
    public Builder<K, V> executor(Executor executor) {
      this.executor = Checks.notNull(executor, "executor");
      return this;
    }

    /**
     * Sets the Redis key prefix (default {@code headroom:cache}); keys are {@code
     * <namespace>:<name>:g<generation>:<key>}.
     *
     * @throws IllegalArgumentException if blank or containing braces
     */
    public Builder<K, V> namespace(String namespace) {
      Checks.notBlank(namespace, "namespace");
      Checks.argument(
          namespace.indexOf('{') < 0 && namespace.indexOf('}') < 0,
          "namespace must not contain braces: %s",
          namespace);
      this.namespace =
          namespace.endsWith(":") ? namespace.substring(0, namespace.length() - 1) : namespace;
      return this;
    }

    /**
     * Settings win, as in every headroom builder: the builder keeps {@code settings} (replacing any
     * earlier one) and applies it in {@link #build}, over whatever the code set, whatever the order
     * of the calls. The keys are read under {@link TieredCache#settingsPrefix
     * HEADROOM_CACHE_&lt;NAME&gt;_}: {@code LOCAL_MAX_SIZE}, {@code LOCAL_TTL}, {@code REMOTE_TTL},
     * {@code NEGATIVE_TTL}, {@code JITTER}, {@code COMPRESS_ABOVE}, {@code EARLY_REFRESH_BETA},
     * {@code REFRESH_AHEAD}, {@code DISTRIBUTED_LOAD_LOCK}, {@code LOAD_LOCK_LEASE}, {@code
     * LOAD_LOCK_MAX_WAIT} and {@code NAMESPACE} (the module README lists them). Each value goes
     * through the setter of the same name, so its range is the same as in code; absent keys keep
     * the builder's values. The default breaker reads {@code HEADROOM_BREAKER_CACHE_<NAME>_*} from
     * the same settings.
     *
     * <p>The connector, codec and loader are code only: {@code REMOTE_TTL} needs {@link #remote},
     * and enabling L1 from settings needs both {@code LOCAL_MAX_SIZE} and {@code LOCAL_TTL}.
     */
    public Builder<K, V> settings(Settings settings) {
      this.settings = Checks.notNull(settings, "settings");
      return this;
    }

    /** The test seam (package-private): callbacks at the points a test stages races at. */
    Builder<K, V> hooks(Hooks hooks) {
      this.hooks = Checks.notNull(hooks, "hooks");
      return this;
    }

    /**
     * Builds the cache; with {@link #remote} it subscribes to invalidations and reads the
     * generation (bounded by the command timeout; Redis may be down).
     *
     * @throws IllegalStateException if neither tier is configured, {@code remote} has no codec,
     *     early refresh lacks {@code local} or a loader, or the load lock lacks {@code remote}
     * @throws io.headroom.core.SettingsException naming the key and the value if a {@link
     *     #settings} value is malformed or out of range
     */
    public TieredCache<K, V> build() {
      Settings s = settings;
      if (s != null) {
        CacheSettings.apply(s, this);
      }
      Checks.state(
          localTtl != null || connector != null,
          "cache %s: configure local(maxSize, ttl), remote(connector, ttl) or both",
          name);
      Checks.state(
          connector == null || codec != null,
          "cache %s: remote(...) needs codec(...) to store values in Redis",
          name);
      Checks.state(
          earlyRefresh == EarlyRefresh.NONE || (localTtl != null && loader != null),
          "cache %s: early refresh needs local(...) and loader(...)",
          name);
      Checks.state(
          !distributedLoadLock || connector != null,
          "cache %s: distributedLoadLock(true) needs remote(...)",
          name);
      Checks.state(
          earlyRefresh != EarlyRefresh.AHEAD
              || localTtl == null
              || refreshAhead.compareTo(localTtl) < 0,
          "cache %s: refreshAhead %s must be shorter than the local ttl %s",
          name,
          refreshAhead,
          localTtl);
      return new DefaultTieredCache<>(this);
    }
  }
}
