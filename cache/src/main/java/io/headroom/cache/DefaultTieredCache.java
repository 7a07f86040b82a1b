package io.headroom.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.headroom.breaker.Breaker;
import io.headroom.breaker.BreakerPreset;
import io.headroom.breaker.BreakerRegistry;
import io.headroom.core.Checks;
import io.headroom.core.Ticker;
import io.headroom.redis.RedisConnector;
import io.headroom.redis.RedisMessageListener;
import io.headroom.redis.RedisScript;
import io.headroom.redis.RedisSubscription;
import io.headroom.redis.ScriptOutput;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TieredCache} implementation.
 *
 * <h2>Fill race</h2>
 *
 * A global sequence numbers every invalidation; a striped array remembers, per hash of the key, the
 * sequence of its last invalidation, and {@code clearedAt} the last full clear. A fill reads the
 * sequence before it looks at L2 and stores its result in L1 only if no invalidation of its stripe
 * (or clear) happened since; it checks again after storing and removes its own entry if one slipped
 * in between. Invalidations bump the stripe before they touch L1.
 */
final class DefaultTieredCache<K, V> implements TieredCache<K, V> {
  private static final Logger log = LoggerFactory.getLogger(DefaultTieredCache.class);
  private static final Object FAILED = new Object();
  private static final CompletableFuture<@Nullable Object> FAILED_FUTURE =
      CompletableFuture.completedFuture(FAILED);
  private static final int STRIPES = 1024;

  static final RedisScript<Long> PUT =
      RedisScript.of(
          "cache-put",
          """
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
          redis.call('PUBLISH', ARGV[3], ARGV[4])
          return 1
          """,
          ScriptOutput.INTEGER);
  static final RedisScript<Long> DELETE =
      RedisScript.of(
          "cache-invalidate",
          """
          local n = redis.call('DEL', KEYS[1])
          redis.call('PUBLISH', ARGV[1], ARGV[2])
          return n
          """,
          ScriptOutput.INTEGER);
  static final RedisScript<Long> BUMP_GENERATION =
      RedisScript.of(
          "cache-invalidate-all",
          """
          local g = redis.call('INCR', KEYS[1])
          redis.call('PUBLISH', ARGV[1], ARGV[2] .. g)
          return g
          """,
          ScriptOutput.INTEGER);
  static final RedisScript<Long> UNLOCK =
      RedisScript.of(
          "cache-unlock",
          """
          if redis.call('GET', KEYS[1]) == ARGV[1] then
            return redis.call('DEL', KEYS[1])
          end
          return 0
          """,
          ScriptOutput.INTEGER);

  /** An L1 entry; {@code value == null} is a cached "not found". */
  static final class Entry<V> {
    final @Nullable V value;
    final long expiresAt;
    final long deltaNanos;

    Entry(@Nullable V value, long expiresAt, long deltaNanos) {
      this.value = value;
      this.expiresAt = expiresAt;
      this.deltaNanos = deltaNanos;
    }
  }

  private final String name;
  private final @Nullable Cache<K, Entry<V>> l1;
  private final @Nullable RedisConnector connector;
  private final @Nullable CacheCodec<V> codec;
  private final @Nullable KeyCodec<K> keyCodec;
  private final @Nullable Function<? super K, String> keyMapper;
  private final @Nullable CacheLoader<? super K, ? extends V> loader;
  private final @Nullable BulkLoader<K, V> bulkLoader;
  private final long l1TtlNanos;
  private final long l2TtlNanos;
  private final long negativeTtlNanos;
  private final double jitter;
  private final EarlyRefresh earlyRefresh;
  private final boolean refreshing;
  private final double beta;
  private final long aheadNanos;
  private final boolean lock;
  private final Duration lockLease;
  private final long lockPollNanos;
  private final int lockPolls;
  private final int compressAbove;
  private final Breaker breaker;
  private final Ticker ticker;
  private final L1Clock clock;
  private final Executor executor;
  private final long timeoutNanos;
  private final String prefix;
  private final String generationKey;
  private final String channel;
  private final String nodeId;
  private final byte[] nodeBytes;
  private final CacheMeters meters = new CacheMeters();
  private final ConcurrentHashMap<K, CompletableFuture<Entry<V>>> inFlight =
      new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);
  private final AtomicLong tokens = new AtomicLong();
  private final Object generationLock = new Object();
  private final @Nullable RedisSubscription subscription;
  private volatile long clearedAt;
  private volatile long generation = -1;
  private long generationEpoch;
  private volatile boolean nonStringKeys;
  volatile @Nullable Consumer<K> afterL2ReadHook;

  DefaultTieredCache(TieredCache.Builder<K, V> b) {
    this.name = b.name;
    this.connector = b.connector;
    this.codec = b.codec;
    this.keyCodec = b.keyCodec;
    this.keyMapper = b.keyMapper;
    this.loader = b.loader;
    this.bulkLoader = b.bulkLoader;
    this.l1TtlNanos = b.localTtl == null ? 0 : b.localTtl.toNanos();
    this.l2TtlNanos = b.remoteTtl == null ? 0 : b.remoteTtl.toNanos();
    this.negativeTtlNanos = b.negativeTtl.toNanos();
    this.jitter = b.jitter;
    this.earlyRefresh = b.earlyRefresh;
    this.refreshing = b.earlyRefresh != EarlyRefresh.NONE;
    this.beta = b.beta;
    this.aheadNanos = b.refreshAhead.toNanos();
    this.lock = b.distributedLoadLock;
    this.lockLease = b.lockLease;
    this.lockPollNanos = b.lockPoll.toNanos();
    this.lockPolls = (int) Math.max(1, b.lockWait.toNanos() / Math.max(1, lockPollNanos));
    this.compressAbove = b.compressAbove;
    this.ticker = b.ticker;
    this.clock = new L1Clock(b.ticker);
    this.executor = b.executor;
    this.prefix = b.namespace + ":" + b.name + ":";
    this.generationKey = prefix + "gen";
    this.channel = prefix + "events";
    this.nodeId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    this.nodeBytes = nodeId.getBytes(StandardCharsets.US_ASCII);
    Breaker br = b.breaker;
    if (br == null) {
      BreakerRegistry.Builder rb = BreakerRegistry.builder().ticker(b.ticker);
      if (b.settings != null) {
        rb.settings(b.settings);
      }
      if (b.meterRegistry != null) {
        rb.meterRegistry(b.meterRegistry);
      }
      br = rb.build().breaker("cache-" + b.name, BreakerPreset.REDIS);
    }
    this.breaker = br;
    RedisConnector c = b.connector;
    this.timeoutNanos = c == null ? 0 : c.settings().commandTimeout().toNanos();
    if (b.localTtl != null) {
      this.l1 =
          Caffeine.newBuilder()
              .maximumSize(b.localMaxSize)
              .ticker(clock)
              .expireAfterWrite(
                  Duration.ofNanos((long) Math.ceil(b.localTtl.toNanos() * (1 + b.jitter)) + 1))
              .evictionListener(
                  (@Nullable K k,
                      @Nullable Entry<V> v,
                      com.github.benmanes.caffeine.cache.RemovalCause cause) -> {
                    if (cause.wasEvicted()) {
                      meters.evictions.increment();
                    }
                  })
              .<K, Entry<V>>build();
    } else {
      this.l1 = null;
    }
    Cache<K, Entry<V>> cache = l1;
    meters.register(
        b.meterRegistry, name, cache != null, () -> cache == null ? 0 : cache.estimatedSize());
    if (c != null) {
      this.subscription = c.subscribe(channel, new Listener());
      awaitSubscription(c, subscription);
      generation(ticker.read() + timeoutNanos);
    } else {
      this.subscription = null;
    }
  }

  private void awaitSubscription(RedisConnector c, RedisSubscription s) {
    if (!c.isConnected()) {
      return; // it becomes active when Redis is back, and then clears L1
    }
    long bound = c.settings().commandTimeout().toNanos() * 4;
    long waited = 0;
    while (!s.isActive() && waited < bound) {
      LockSupport.parkNanos(1_000_000);
      waited += 1_000_000;
    }
  }

  @Override
  public String name() {
    return name;
  }

  // ---------------------------------------------------------------- reads

  @Override
  public @Nullable V get(K key) {
    Cache<K, Entry<V>> c = l1;
    if (c != null) {
      Entry<V> e = c.getIfPresent(key);
      if (e != null) {
        if (isLive(e)) {
          meters.l1Hits.increment();
          if (refreshing && refreshDue(e, ticker.read())) {
            refreshInBackground(key);
          }
          return e.value;
        }
        expire(c, key, e);
      }
      meters.l1Misses.increment();
    }
    return load(Checks.notNull(key, "key"));
  }

  @Override
  public CompletableFuture<@Nullable V> getAsync(K key) {
    Checks.notNull(key, "key");
    Cache<K, Entry<V>> c = l1;
    if (c != null) {
      Entry<V> e = live(c, key);
      if (e != null) {
        meters.l1Hits.increment();
        if (refreshing && refreshDue(e, ticker.read())) {
          refreshInBackground(key);
        }
        return CompletableFuture.completedFuture(e.value);
      }
      meters.l1Misses.increment();
    }
    return CompletableFuture.supplyAsync(() -> load(key), executor);
  }

  /**
   * L1 holds entries up to the jitter's upper bound; each entry's own (jittered) expiry is checked
   * here, on read.
   */
  private @Nullable Entry<V> live(Cache<K, Entry<V>> c, K key) {
    Entry<V> e = c.getIfPresent(key);
    if (e == null || isLive(e)) {
      return e;
    }
    expire(c, key, e);
    return null;
  }

  /**
   * Whether {@code e}, just returned by Caffeine, has not reached its own (jittered) expiry.
   * Caffeine read the clock to check its fixed expiry; {@link L1Clock#recent()} is within {@link
   * L1Clock#RESOLUTION} of that reading, so only an entry in its last millisecond needs a second
   * clock read. Same answer as {@code ticker.read() < e.expiresAt}.
   */
  private boolean isLive(Entry<V> e) {
    long expiresAt = e.expiresAt;
    return expiresAt - clock.recent() >= L1Clock.RESOLUTION || clock.read() < expiresAt;
  }

  private void expire(Cache<K, Entry<V>> c, K key, Entry<V> e) {
    if (c.asMap().remove(key, e)) {
      meters.evictions.increment();
    }
  }

  private boolean refreshDue(Entry<V> e, long now) {
    if (earlyRefresh == EarlyRefresh.AHEAD) {
      return now >= e.expiresAt - aheadNanos;
    }
    if (e.deltaNanos <= 0) {
      return false;
    }
    double r = ThreadLocalRandom.current().nextDouble();
    double gap = -e.deltaNanos * beta * Math.log(r == 0 ? Double.MIN_VALUE : r);
    return now + gap >= e.expiresAt;
  }

  private void refreshInBackground(K key) {
    CompletableFuture<Entry<V>> mine = new CompletableFuture<>();
    if (inFlight.putIfAbsent(key, mine) != null) {
      return; // someone is already loading it; keep serving the current value
    }
    try {
      executor.execute(
          () -> {
            try {
              mine.complete(fill(key, true, sequence.get()));
            } catch (RuntimeException | Error t) {
              log.debug("cache {}: background refresh failed: {}", name, t.toString());
              mine.completeExceptionally(t);
            } finally {
              inFlight.remove(key, mine);
            }
          });
    } catch (RejectedExecutionException e) {
      inFlight.remove(key, mine);
      mine.cancel(false);
    }
  }

  private @Nullable V load(K key) {
    Checks.state(
        loader != null, "cache %s has no loader: configure loader(...) or use getIfPresent", name);
    CompletableFuture<Entry<V>> mine = new CompletableFuture<>();
    CompletableFuture<Entry<V>> running = inFlight.putIfAbsent(key, mine);
    if (running != null) {
      return join(running).value;
    }
    try {
      long startSeq = sequence.get();
      Cache<K, Entry<V>> c = l1;
      Entry<V> e = c == null ? null : live(c, key); // a fill that just finished
      if (e == null) {
        e = fill(key, false, startSeq);
      }
      mine.complete(e);
      return e.value;
    } catch (RuntimeException | Error t) {
      mine.completeExceptionally(t);
      throw t;
    } finally {
      inFlight.remove(key, mine);
    }
  }

  private Entry<V> join(CompletableFuture<Entry<V>> running) {
    try {
      return running.join();
    } catch (CompletionException ce) {
      Throwable cause = ce.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new CacheLoadException("cache " + name + ": load failed", cause);
    } catch (java.util.concurrent.CancellationException ce) {
      throw new CacheLoadException("cache " + name + ": load was cancelled", ce);
    }
  }

  /** L2, then (optionally under the distributed lock) the loader; stores what it found. */
  private Entry<V> fill(K key, boolean refresh, long startSeq) {
    long deadline = ticker.read() + timeoutNanos;
    String mapped = connector == null ? null : encodeKey(key);
    int stripe = stripe(key, mapped);
    String rk = null;
    long gen = -1;
    if (mapped != null) {
      gen = generation(deadline);
      if (gen >= 0) {
        rk = prefix + "g" + gen + ":" + mapped;
      }
    }
    if (rk != null && !refresh) {
      Entry<V> hit = readL2(key, rk, stripe, startSeq, deadline, true);
      if (hit != null) {
        return hit;
      }
      if (lock && mapped != null) {
        Entry<V> viaLock = loadUnderLock(key, mapped, rk, gen, stripe, startSeq, deadline);
        if (viaLock != null) {
          return viaLock;
        }
      }
    }
    return loadAndStore(key, mapped, rk, stripe, startSeq, refresh, deadline);
  }

  private @Nullable Entry<V> loadUnderLock(
      K key, String mapped, String rk, long gen, int stripe, long startSeq, long deadline) {
    String lockKey = prefix + "lock:g" + gen + ":" + mapped;
    byte[] token = (nodeId + ":" + tokens.incrementAndGet()).getBytes(StandardCharsets.US_ASCII);
    Object got = await(redis(c -> c.setIfAbsent(lockKey, token, lockLease)), deadline);
    if (Boolean.TRUE.equals(got)) {
      try {
        // the previous holder may have filled L2 just before we got the lease
        Entry<V> hit = readL2(key, rk, stripe, startSeq, ticker.read() + timeoutNanos, false);
        if (hit != null) {
          return hit;
        }
        return loadAndStore(key, mapped, rk, stripe, startSeq, false, ticker.read() + timeoutNanos);
      } finally {
        CompletableFuture<@Nullable Object> released =
            redis(c -> UNLOCK.run(c, List.of(lockKey), List.of(token)));
        released.getNow(null); // completes on its own; the lease expires anyway
      }
    }
    if (Boolean.FALSE.equals(got)) {
      for (int i = 0; i < lockPolls; i++) {
        LockSupport.parkNanos(lockPollNanos);
        Entry<V> hit = readL2(key, rk, stripe, startSeq, ticker.read() + timeoutNanos, false);
        if (hit != null) {
          return hit;
        }
        if (!breakerAllows()) {
          break;
        }
      }
    }
    return null; // lock unavailable (Redis failing) or the holder was too slow: load ourselves
  }

  private boolean breakerAllows() {
    return breaker.state() != io.headroom.breaker.BreakerState.OPEN
        && breaker.state() != io.headroom.breaker.BreakerState.FORCED_OPEN;
  }

  private @Nullable Entry<V> readL2(
      K key, String rk, int stripe, long startSeq, long deadline, boolean countMiss) {
    Object r = await(redis(c -> c.get(rk)), deadline);
    Consumer<K> hook = afterL2ReadHook;
    if (hook != null) {
      hook.accept(key);
    }
    if (r instanceof byte[] bytes) {
      Entry<V> e = decode(bytes);
      if (e != null) {
        meters.l2Hits.increment();
        storeL1(key, e, stripe, startSeq);
        return e;
      }
    }
    if (countMiss) {
      meters.l2Misses.increment();
    }
    return null;
  }

  private @Nullable Entry<V> decode(byte[] bytes) {
    if (!Envelope.valid(bytes)) {
      log.debug("cache {}: ignoring an L2 entry in an unknown format", name);
      return null;
    }
    long delta = Envelope.deltaNanos(bytes);
    if (Envelope.isNegative(bytes)) {
      return new Entry<>(null, ticker.read() + jittered(localNegativeTtl()), delta);
    }
    try {
      V v = Objects.requireNonNull(codec).decode(Envelope.payload(bytes));
      return new Entry<>(v, ticker.read() + jittered(l1TtlNanos), delta);
    } catch (RuntimeException e) {
      log.debug("cache {}: undecodable L2 entry treated as a miss: {}", name, e.toString());
      return null;
    }
  }

  private long localNegativeTtl() {
    return l1TtlNanos == 0 ? negativeTtlNanos : Math.min(negativeTtlNanos, l1TtlNanos);
  }

  private Entry<V> loadAndStore(
      K key,
      @Nullable String mapped,
      @Nullable String rk,
      int stripe,
      long startSeq,
      boolean publish,
      long deadline) {
    CacheLoader<? super K, ? extends V> ld = Objects.requireNonNull(loader);
    long t0 = ticker.read();
    V v;
    try {
      v = ld.load(key);
    } catch (Exception e) {
      throw loadFailed(e, t0, "loader");
    }
    long delta = Math.max(0, ticker.read() - t0);
    if (v == null) {
      meters.loadNotFound.increment();
      meters.loadNotFoundNanos.add(delta);
      if (negativeTtlNanos == 0) {
        return new Entry<>(null, 0, delta);
      }
    } else {
      meters.loadSuccess.increment();
      meters.loadSuccessNanos.add(delta);
      meters.puts.increment();
    }
    Entry<V> e =
        new Entry<>(
            v, ticker.read() + jittered(v == null ? localNegativeTtl() : l1TtlNanos), delta);
    if (rk != null && mapped != null && !raced(stripe, startSeq)) {
      byte[] bytes = envelope(v, delta);
      if (bytes != null) {
        long ttlMillis = ttlMillis(v == null ? negativeTtlNanos : l2TtlNanos);
        CompletableFuture<@Nullable Object> write =
            publish
                ? redis(
                    c ->
                        PUT.run(
                            c,
                            List.of(rk),
                            List.of(bytes, ttlMillis, channel, message('k', mapped))))
                : redis(c -> c.set(rk, bytes, Duration.ofMillis(ttlMillis)));
        await(write, deadline);
      }
    }
    storeL1(key, e, stripe, startSeq);
    return e;
  }

  private void recordFailure(long t0) {
    meters.loadFailure.increment();
    meters.loadFailureNanos.add(Math.max(0, ticker.read() - t0));
  }

  private byte @Nullable [] envelope(@Nullable V v, long delta) {
    if (v == null) {
      return Envelope.negative(delta);
    }
    try {
      return Envelope.value(Objects.requireNonNull(codec).encode(v), delta, compressAbove);
    } catch (RuntimeException e) {
      log.warn("cache {}: value not stored in Redis, the codec failed: {}", name, e.toString());
      return null;
    }
  }

  private void storeL1(K key, Entry<V> e, int stripe, long startSeq) {
    Cache<K, Entry<V>> c = l1;
    if (c == null || (e.value == null && negativeTtlNanos == 0) || raced(stripe, startSeq)) {
      return;
    }
    if (!(key instanceof String)) {
      nonStringKeys = true;
    }
    c.put(key, e);
    if (raced(stripe, startSeq)) {
      c.asMap().remove(key, e); // an invalidation slipped in between: drop our (stale) fill
    }
  }

  private boolean raced(int stripe, long startSeq) {
    return stripes.get(stripe) > startSeq || clearedAt > startSeq;
  }

  @Override
  public @Nullable V getIfPresent(K key) {
    Checks.notNull(key, "key");
    Cache<K, Entry<V>> c = l1;
    if (c != null) {
      Entry<V> e = live(c, key);
      if (e != null) {
        meters.l1Hits.increment();
        return e.value;
      }
      meters.l1Misses.increment();
    }
    if (connector == null) {
      return null;
    }
    long startSeq = sequence.get();
    long deadline = ticker.read() + timeoutNanos;
    String mapped = encodeKey(key);
    long gen = generation(deadline);
    if (gen < 0) {
      meters.l2Misses.increment();
      return null;
    }
    Entry<V> e =
        readL2(
            key, prefix + "g" + gen + ":" + mapped, stripe(key, mapped), startSeq, deadline, true);
    return e == null ? null : e.value;
  }

  @Override
  public Map<K, V> getAll(Collection<? extends K> keys) {
    Checks.notNull(keys, "keys");
    Map<K, V> result = new LinkedHashMap<>();
    Set<K> misses = new LinkedHashSet<>();
    Cache<K, Entry<V>> c = l1;
    for (K key : keys) {
      Checks.notNull(key, "keys[]");
      if (c != null) {
        Entry<V> e = live(c, key);
        if (e != null) {
          meters.l1Hits.increment();
          if (e.value != null) {
            result.put(key, e.value);
          }
          continue;
        }
        meters.l1Misses.increment();
      }
      misses.add(key);
    }
    if (misses.isEmpty()) {
      return result;
    }
    Checks.state(
        loader != null || bulkLoader != null,
        "cache %s has no loader: configure bulkLoader(...) or loader(...)",
        name);
    long startSeq = sequence.get();
    long deadline = ticker.read() + timeoutNanos;
    Map<K, String> mapped = new LinkedHashMap<>();
    long gen = -1;
    if (connector != null) {
      for (K key : misses) {
        mapped.put(key, encodeKey(key));
      }
      gen = generation(deadline);
    }
    Map<K, String> redisKeys = new LinkedHashMap<>();
    if (gen >= 0) {
      for (Map.Entry<K, String> m : mapped.entrySet()) {
        redisKeys.put(m.getKey(), prefix + "g" + gen + ":" + m.getValue());
      }
      List<String> rks = new ArrayList<>(redisKeys.values());
      Object r = await(redis(x -> x.mget(rks)), deadline);
      if (r instanceof List<?> values) {
        int i = 0;
        for (K key : new ArrayList<>(misses)) {
          Object b = values.get(i++);
          Entry<V> e = b instanceof byte[] bytes ? decode(bytes) : null;
          if (e == null) {
            meters.l2Misses.increment();
            continue;
          }
          meters.l2Hits.increment();
          storeL1(key, e, stripe(key, mapped.get(key)), startSeq);
          misses.remove(key);
          if (e.value != null) {
            result.put(key, e.value);
          }
        }
      } else {
        meters.l2Misses.add(misses.size());
      }
    } else if (connector != null) {
      meters.l2Misses.add(misses.size());
    }
    if (misses.isEmpty()) {
      return reorder(keys, result);
    }
    Map<K, V> loaded = loadMany(misses);
    List<CompletableFuture<@Nullable Object>> writes = new ArrayList<>();
    for (K key : misses) {
      V v = loaded.get(key);
      String m = mapped.get(key);
      int stripe = stripe(key, m);
      if (v == null && negativeTtlNanos == 0) {
        continue;
      }
      if (v != null) {
        meters.puts.increment();
        result.put(key, v);
      }
      Entry<V> e =
          new Entry<>(v, ticker.read() + jittered(v == null ? localNegativeTtl() : l1TtlNanos), 0);
      String rk = redisKeys.get(key);
      if (rk != null && !raced(stripe, startSeq)) {
        byte[] bytes = envelope(v, 0);
        if (bytes != null) {
          Duration ttl = Duration.ofMillis(ttlMillis(v == null ? negativeTtlNanos : l2TtlNanos));
          writes.add(redis(x -> x.set(rk, bytes, ttl)));
        }
      }
      storeL1(key, e, stripe, startSeq);
    }
    if (!writes.isEmpty()) {
      await(CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0])), deadline);
    }
    return reorder(keys, result);
  }

  private Map<K, V> reorder(Collection<? extends K> keys, Map<K, V> found) {
    Map<K, V> out = new LinkedHashMap<>();
    for (K key : keys) {
      V v = found.get(key);
      if (v != null) {
        out.put(key, v);
      }
    }
    return out;
  }

  private Map<K, V> loadMany(Set<K> keys) {
    long t0 = ticker.read();
    BulkLoader<K, V> bulk = bulkLoader;
    Map<K, V> out;
    try {
      if (bulk != null) {
        Map<K, V> got = bulk.loadAll(java.util.Collections.unmodifiableSet(keys));
        out = got == null ? Map.of() : got;
      } else {
        CacheLoader<? super K, ? extends V> ld = Objects.requireNonNull(loader);
        out = new LinkedHashMap<>();
        for (K key : keys) {
          V v = ld.load(key);
          if (v != null) {
            out.put(key, v);
          }
        }
      }
    } catch (Exception e) {
      throw loadFailed(e, t0, "bulk loader");
    }
    long delta = Math.max(0, ticker.read() - t0);
    meters.loadSuccess.increment();
    meters.loadSuccessNanos.add(delta);
    return out;
  }

  /**
   * Records a failed load and returns what to throw: the loader's own unchecked exception, or a
   * checked one wrapped in {@link CacheLoadException} (restoring the interrupt flag).
   */
  private RuntimeException loadFailed(Exception e, long t0, String which) {
    recordFailure(t0);
    if (e instanceof RuntimeException re) {
      return re;
    }
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    return new CacheLoadException("cache " + name + ": the " + which + " threw " + e, e);
  }

  @Override
  public CompletableFuture<Map<K, V>> getAllAsync(Collection<? extends K> keys) {
    Checks.notNull(keys, "keys");
    List<K> copy = List.copyOf(keys);
    return CompletableFuture.supplyAsync(() -> getAll(copy), executor);
  }

  // ---------------------------------------------------------------- writes

  @Override
  public void put(K key, V value) {
    long deadline = ticker.read() + timeoutNanos;
    await(putInternal(key, value, deadline), deadline);
  }

  @Override
  public CompletableFuture<Void> putAsync(K key, V value) {
    return putInternal(key, value, ticker.read() + timeoutNanos).thenApply(x -> null);
  }

  private CompletableFuture<@Nullable Object> putInternal(K key, V value, long deadline) {
    Checks.notNull(key, "key");
    Checks.notNull(value, "value");
    String mapped = connector == null ? null : encodeKey(key);
    int stripe = stripe(key, mapped);
    meters.puts.increment();
    Cache<K, Entry<V>> c = l1;
    if (c != null) {
      if (!(key instanceof String)) {
        nonStringKeys = true;
      }
      c.put(key, new Entry<>(value, ticker.read() + jittered(l1TtlNanos), 0));
    }
    bump(stripe); // after our own L1 write: fills in flight with the old value are dropped
    if (mapped == null) {
      return CompletableFuture.completedFuture(null);
    }
    long gen = generation(deadline);
    byte[] bytes = envelope(value, 0);
    if (gen < 0 || bytes == null) {
      return FAILED_FUTURE;
    }
    String rk = prefix + "g" + gen + ":" + mapped;
    long ttlMillis = ttlMillis(l2TtlNanos);
    return redis(
        x -> PUT.run(x, List.of(rk), List.of(bytes, ttlMillis, channel, message('k', mapped))));
  }

  @Override
  public void invalidate(K key) {
    long deadline = ticker.read() + timeoutNanos;
    await(invalidateInternal(key, deadline), deadline);
  }

  @Override
  public CompletableFuture<Void> invalidateAsync(K key) {
    return invalidateInternal(key, ticker.read() + timeoutNanos).thenApply(x -> null);
  }

  private CompletableFuture<@Nullable Object> invalidateInternal(K key, long deadline) {
    Checks.notNull(key, "key");
    String mapped = connector == null ? null : encodeKey(key);
    bump(stripe(key, mapped)); // before L1: a fill that read the old value is dropped
    Cache<K, Entry<V>> c = l1;
    if (c != null) {
      c.invalidate(key);
    }
    if (mapped == null) {
      return CompletableFuture.completedFuture(null);
    }
    long gen = generation(deadline);
    if (gen < 0) {
      return FAILED_FUTURE;
    }
    String rk = prefix + "g" + gen + ":" + mapped;
    return redis(x -> DELETE.run(x, List.of(rk), List.of(channel, message('k', mapped))));
  }

  @Override
  public void invalidateAll() {
    await(invalidateAllInternal(), ticker.read() + timeoutNanos);
  }

  @Override
  public CompletableFuture<Void> invalidateAllAsync() {
    return invalidateAllInternal().thenApply(x -> null);
  }

  private CompletableFuture<@Nullable Object> invalidateAllInternal() {
    clearL1();
    if (connector == null) {
      return CompletableFuture.completedFuture(null);
    }
    byte[] head = messageHead('g');
    return redis(x -> BUMP_GENERATION.run(x, List.of(generationKey), List.of(channel, head)))
        .thenApply(
            g -> {
              if (g instanceof Long n) {
                setGeneration(n);
                clearL1();
              }
              return g;
            });
  }

  // ---------------------------------------------------------------- consistency

  private void bump(int stripe) {
    long s = sequence.incrementAndGet();
    stripes.accumulateAndGet(stripe, s, Math::max);
  }

  private void clearL1() {
    clearedAt = sequence.incrementAndGet();
    Cache<K, Entry<V>> c = l1;
    if (c != null) {
      c.invalidateAll();
    }
  }

  private static int stripe(Object key, @Nullable String mapped) {
    int h = mapped != null ? mapped.hashCode() : key.hashCode();
    h ^= h >>> 16;
    return h & (STRIPES - 1);
  }

  private String encodeKey(K key) {
    KeyCodec<K> kc = keyCodec;
    if (kc != null) {
      return kc.encode(key);
    }
    Function<? super K, String> km = keyMapper;
    return km != null ? km.apply(key) : String.valueOf(key);
  }

  /** The generation in use, reading it from Redis when unknown; -1 when Redis cannot tell. */
  private long generation(long deadline) {
    long g = generation;
    if (g >= 0 || connector == null) {
      return g;
    }
    long epoch;
    synchronized (generationLock) {
      epoch = generationEpoch;
    }
    Object r = await(redis(c -> c.get(generationKey)), deadline);
    if (r == FAILED) {
      return -1;
    }
    long value = 0;
    if (r instanceof byte[] bytes) {
      try {
        value = Long.parseLong(new String(bytes, StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        log.warn("cache {}: generation key {} is not a number; L2 bypassed", name, generationKey);
        return -1;
      }
    }
    synchronized (generationLock) {
      if (generationEpoch == epoch) {
        generation = value;
        return value;
      }
      return generation;
    }
  }

  private void setGeneration(long g) {
    synchronized (generationLock) {
      generationEpoch++;
      generation = g;
    }
  }

  private byte[] messageHead(char type) {
    byte[] out = new byte[nodeBytes.length + 3];
    System.arraycopy(nodeBytes, 0, out, 0, nodeBytes.length);
    out[nodeBytes.length] = ' ';
    out[nodeBytes.length + 1] = (byte) type;
    out[nodeBytes.length + 2] = ' ';
    return out;
  }

  private byte[] message(char type, String payload) {
    byte[] head = messageHead(type);
    byte[] p = payload.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[head.length + p.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(p, 0, out, head.length, p.length);
    return out;
  }

  void onMessage(byte[] message) {
    String text = new String(message, StandardCharsets.UTF_8);
    int a = text.indexOf(' ');
    if (a < 0 || a + 2 >= text.length() || text.charAt(a + 2) != ' ') {
      log.debug("cache {}: ignoring a malformed message", name);
      return;
    }
    if (text.startsWith(nodeId) && a == nodeId.length()) {
      return; // our own write: L1 is already up to date
    }
    meters.invalidationsReceived.increment();
    char type = text.charAt(a + 1);
    String payload = text.substring(a + 3);
    if (type == 'k') {
      evictRemote(payload);
    } else if (type == 'g') {
      try {
        setGeneration(Long.parseLong(payload));
      } catch (NumberFormatException e) {
        setGeneration(-1);
      }
      clearL1();
    }
  }

  @SuppressWarnings("unchecked")
  private void evictRemote(String mapped) {
    bump(stripe(mapped, mapped));
    Cache<K, Entry<V>> c = l1;
    if (c == null) {
      return;
    }
    KeyCodec<K> kc = keyCodec;
    if (kc != null) {
      K k = kc.decode(mapped);
      if (k != null) {
        c.invalidate(k);
      }
      return;
    }
    if (keyMapper == null) {
      c.asMap().remove((Object) mapped); // String keys map to themselves
      if (!nonStringKeys) {
        return;
      }
    }
    c.asMap().keySet().removeIf(k -> encodeKey(k).equals(mapped));
  }

  /** Messages may have been missed: forget L1 and re-read the generation. */
  void resync() {
    setGeneration(-1);
    clearL1();
  }

  private final class Listener implements RedisMessageListener {
    @Override
    public void onMessage(String ch, byte[] message) {
      DefaultTieredCache.this.onMessage(message);
    }

    @Override
    public void onResubscribed(String ch) {
      resync();
    }

    @Override
    public void onDisconnected(String ch) {
      resync();
    }
  }

  // ---------------------------------------------------------------- Redis calls

  /**
   * Runs one Redis call behind the breaker; the future never fails: it holds the reply, or {@code
   * FAILED}.
   */
  private CompletableFuture<@Nullable Object> redis(
      Function<RedisConnector, CompletableFuture<?>> op) {
    RedisConnector c = Objects.requireNonNull(connector);
    if (!breaker.tryAcquirePermission()) {
      meters.l2NotPermitted.increment();
      return FAILED_FUTURE;
    }
    long start = ticker.read();
    CompletableFuture<?> f;
    try {
      f = op.apply(c);
    } catch (RuntimeException e) {
      breaker.onError(ticker.read() - start, e);
      meters.l2Failures.increment();
      return FAILED_FUTURE;
    }
    return f.handle(
        (v, e) -> {
          long took = ticker.read() - start;
          if (e == null) {
            breaker.onSuccess(took);
            return v;
          }
          breaker.onError(took, e);
          meters.l2Failures.increment();
          return FAILED;
        });
  }

  /** Waits for a call until {@code deadline}; never longer than the command timeout. */
  private @Nullable Object await(CompletableFuture<?> f, long deadline) {
    if (f.isDone()) {
      return f.getNow(null);
    }
    long remaining = Math.min(deadline - ticker.read(), timeoutNanos);
    if (remaining <= 0) {
      return FAILED;
    }
    try {
      return f.get(remaining, TimeUnit.NANOSECONDS);
    } catch (ExecutionException | TimeoutException e) {
      return FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return FAILED;
    }
  }

  private long jittered(long ttlNanos) {
    if (jitter == 0 || ttlNanos <= 0) {
      return ttlNanos;
    }
    double f = 1 + ThreadLocalRandom.current().nextDouble(-jitter, jitter);
    return Math.max(1, (long) (ttlNanos * f));
  }

  private long ttlMillis(long ttlNanos) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(jittered(ttlNanos)));
  }

  // ---------------------------------------------------------------- misc

  @Override
  public CacheStats stats() {
    Cache<K, Entry<V>> c = l1;
    return new CacheStats(
        meters.l1Hits.sum(),
        meters.l1Misses.sum(),
        meters.l2Hits.sum(),
        meters.l2Misses.sum(),
        meters.loadSuccess.sum(),
        meters.loadNotFound.sum(),
        meters.loadFailure.sum(),
        meters.loadSuccessNanos.sum()
            + meters.loadNotFoundNanos.sum()
            + meters.loadFailureNanos.sum(),
        meters.puts.sum(),
        meters.evictions.sum(),
        meters.l2Failures.sum() + meters.l2NotPermitted.sum(),
        meters.invalidationsReceived.sum(),
        c == null ? 0 : c.estimatedSize());
  }

  /** Whether L1 holds {@code key} (tests; does not count as a read). */
  boolean l1Contains(K key) {
    Cache<K, Entry<V>> c = l1;
    return c != null && c.asMap().containsKey(key);
  }

  /** Runs Caffeine's pending maintenance (tests). */
  void cleanUp() {
    Cache<K, Entry<V>> c = l1;
    if (c != null) {
      c.cleanUp();
    }
  }

  @Nullable RedisSubscription subscription() {
    return subscription;
  }

  Breaker breaker() {
    return breaker;
  }

  long currentGeneration() {
    return generation;
  }

  String redisKey(K key) {
    return prefix + "g" + generation + ":" + encodeKey(key);
  }

  @Override
  public void close() {
    RedisSubscription s = subscription;
    if (s != null) {
      s.close();
    }
  }

  @Override
  public String toString() {
    return "TieredCache{"
        + name
        + (l1 != null ? ", l1" : "")
        + (connector != null ? ", l2 " + prefix + "*" : "")
        + "}";
  }
}
