package io.headroom.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.headroom.breaker.Breaker;
import io.headroom.breaker.BreakerPreset;
import io.headroom.core.Checks;
import io.headroom.core.Settings;
import io.headroom.core.Ticker;
import io.headroom.redis.RedisConnector;
import io.headroom.redis.RedisSubscription;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The {@link TieredCache} implementation: L1 reads and writes here, the rest in small
 * package-private parts, as Caffeine keeps its engine: {@link L2Store} (Redis keys, generation,
 * envelope, guarded calls), {@link InvalidationBus} (messages between nodes and the fill race),
 * {@link LoadCoordinator} (single-flight, the distributed lease, the loaders) and {@link Fill} (one
 * miss). An L1 hit touches only Caffeine, the entry, {@link L1Clock} and one counter.
 */
final class DefaultTieredCache<K, V> implements TieredCache<K, V> {
  private static final CompletableFuture<@Nullable Object> DONE =
      CompletableFuture.completedFuture(null);

  private final String name;
  private final @Nullable Cache<K, Entry<V>> l1;
  private final L1Clock clock;
  private final Ticker ticker;
  private final Executor executor;
  private final Ttls ttls;
  private final EarlyRefresh earlyRefresh;
  private final boolean refreshing;
  private final double beta;
  private final long aheadNanos;
  private final CacheMeters meters = new CacheMeters();
  private final @Nullable L2Store<K, V> store;
  private final InvalidationBus<K, V> bus;
  private final LoadCoordinator<K, V> loads;

  DefaultTieredCache(TieredCache.Builder<K, V> b) {
    this.name = b.name;
    this.ticker = b.ticker;
    this.clock = new L1Clock(b.ticker);
    this.executor = b.executor;
    this.ttls =
        new Ttls(
            b.localTtl == null ? 0 : b.localTtl.toNanos(),
            b.remoteTtl == null ? 0 : b.remoteTtl.toNanos(),
            b.negativeTtl.toNanos(),
            b.jitter);
    this.earlyRefresh = b.earlyRefresh;
    this.refreshing = b.earlyRefresh != EarlyRefresh.NONE;
    this.beta = b.beta;
    this.aheadNanos = b.refreshAhead.toNanos();
    this.l1 = b.localTtl == null ? null : newL1(b.localMaxSize, b.localTtl, b.jitter);
    RedisConnector c = b.connector;
    this.store = c == null ? null : new L2Store<>(b, c, ttls, breaker(b), meters);
    this.bus = new InvalidationBus<>(name, l1, store, meters);
    this.loads = new LoadCoordinator<>(b, l1, clock, ttls, store, bus, meters);
    Cache<K, Entry<V>> cache = l1;
    meters.register(
        b.meterRegistry,
        name,
        cache != null,
        store != null,
        () -> cache == null ? 0 : cache.estimatedSize());
    L2Store<K, V> s = store;
    if (c != null && s != null) {
      bus.subscribe(c, s.channel());
      s.generation(s.deadline());
    }
  }

  /**
   * L1 keeps entries up to the jitter's upper bound; each entry's own expiry is checked on read.
   */
  private Cache<K, Entry<V>> newL1(long maxSize, Duration ttl, double jitter) {
    return Caffeine.newBuilder()
        .maximumSize(maxSize)
        .ticker(clock)
        .expireAfterWrite(Duration.ofNanos((long) Math.ceil(ttl.toNanos() * (1 + jitter)) + 1))
        .evictionListener(
            (@Nullable K k, @Nullable Entry<V> v, RemovalCause cause) -> {
              if (cause.wasEvicted()) {
                meters.evictions.increment();
              }
            })
        .<K, Entry<V>>build();
  }

  /**
   * The breaker in front of Redis: the given one, else {@code cache-<name>} from the given
   * registry, else the default built by {@link Breaker#forComponent}.
   */
  private static Breaker breaker(TieredCache.Builder<?, ?> b) {
    if (b.breaker != null) {
      return b.breaker;
    }
    if (b.breakerRegistry != null) {
      return b.breakerRegistry.breaker("cache-" + b.name, BreakerPreset.REDIS);
    }
    Settings s = b.settings != null ? b.settings : Settings.empty();
    return Breaker.forComponent("cache", b.name, BreakerPreset.REDIS, s, b.meterRegistry, b.ticker);
  }

  @Override
  public String name() {
    return name;
  }

  // ---------------------------------------------------------------- reads

  @Override
  public @Nullable V get(K key) {
    Checks.notNull(key, "key");
    Cache<K, Entry<V>> c = l1;
    if (c != null) {
      Entry<V> e = c.getIfPresent(key);
      if (e != null) {
        if (e.isLive(clock)) {
          meters.l1Hits.increment();
          if (refreshing && refreshDue(e, ticker.read())) {
            loads.refreshInBackground(key);
          }
          return e.value;
        }
        Entry.expire(c, key, e, meters);
      }
      meters.l1Misses.increment();
    }
    return loads.load(key);
  }

  @Override
  public CompletableFuture<@Nullable V> getAsync(K key) {
    Checks.notNull(key, "key");
    Cache<K, Entry<V>> c = l1;
    if (c != null) {
      Entry<V> e = Entry.live(c, key, clock, meters);
      if (e != null) {
        meters.l1Hits.increment();
        if (refreshing && refreshDue(e, ticker.read())) {
          loads.refreshInBackground(key);
        }
        return CompletableFuture.completedFuture(e.value);
      }
      meters.l1Misses.increment();
    }
    return CompletableFuture.supplyAsync(() -> loads.load(key), executor);
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

  @Override
  public @Nullable V getIfPresent(K key) {
    Checks.notNull(key, "key");
    Cache<K, Entry<V>> c = l1;
    if (c != null) {
      Entry<V> e = Entry.live(c, key, clock, meters);
      if (e != null) {
        meters.l1Hits.increment();
        return e.value;
      }
      meters.l1Misses.increment();
    }
    if (store == null) {
      meters.misses.increment();
      return null;
    }
    return loads.peek(key);
  }

  @Override
  public Map<K, V> getAll(Collection<? extends K> keys) {
    checkKeys(keys);
    Map<K, V> found = new LinkedHashMap<>();
    Set<K> misses = new LinkedHashSet<>();
    Cache<K, Entry<V>> c = l1;
    for (K key : keys) {
      if (c != null) {
        Entry<V> e = Entry.live(c, key, clock, meters);
        if (e != null) {
          meters.l1Hits.increment();
          if (e.value != null) {
            found.put(key, e.value);
          }
          continue;
        }
        meters.l1Misses.increment();
      }
      misses.add(key);
    }
    if (misses.isEmpty()) {
      return found;
    }
    loads.getAll(misses, found);
    Map<K, V> out = new LinkedHashMap<>();
    for (K key : keys) {
      V v = found.get(key);
      if (v != null) {
        out.put(key, v);
      }
    }
    return out;
  }

  @Override
  public CompletableFuture<Map<K, V>> getAllAsync(Collection<? extends K> keys) {
    checkKeys(keys);
    List<K> copy = List.copyOf(keys);
    return CompletableFuture.supplyAsync(() -> getAll(copy), executor);
  }

  /** Null keys fail here, naming their position, before any tier is read. */
  private static void checkKeys(Collection<?> keys) {
    Checks.notNull(keys, "keys");
    int i = 0;
    for (Object key : keys) {
      if (key == null) {
        throw new NullPointerException("keys must not contain null: keys[" + i + "] is null");
      }
      i++;
    }
  }

  // ---------------------------------------------------------------- writes

  @Override
  public void put(K key, V value) {
    long deadline = deadline();
    await(putInternal(key, value, deadline), deadline);
  }

  @Override
  public CompletableFuture<Void> putAsync(K key, V value) {
    return putInternal(key, value, deadline()).thenApply(x -> null);
  }

  private CompletableFuture<@Nullable Object> putInternal(K key, V value, long deadline) {
    Checks.notNull(key, "key");
    Checks.notNull(value, "value");
    L2Store<K, V> s = store;
    String mapped = s == null ? null : s.encodeKey(key);
    int stripe = InvalidationBus.stripe(key, mapped);
    meters.puts.increment();
    Cache<K, Entry<V>> c = l1;
    if (c != null) {
      bus.noteKey(key);
      c.put(key, new Entry<>(value, ticker.read() + ttls.l1Life(value), 0));
    }
    bus.bump(stripe); // after our own L1 write: fills in flight with the old value are dropped
    if (s == null || mapped == null) {
      return DONE;
    }
    return s.put(mapped, value, deadline, bus.message('k', mapped));
  }

  @Override
  public void invalidate(K key) {
    long deadline = deadline();
    await(invalidateInternal(key, deadline), deadline);
  }

  @Override
  public CompletableFuture<Void> invalidateAsync(K key) {
    return invalidateInternal(key, deadline()).thenApply(x -> null);
  }

  private CompletableFuture<@Nullable Object> invalidateInternal(K key, long deadline) {
    Checks.notNull(key, "key");
    L2Store<K, V> s = store;
    String mapped = s == null ? null : s.encodeKey(key);
    bus.bump(InvalidationBus.stripe(key, mapped)); // before L1: a fill that read the old value
    Cache<K, Entry<V>> c = l1;
    if (c != null) {
      c.invalidate(key);
    }
    if (s == null || mapped == null) {
      return DONE;
    }
    return s.delete(mapped, deadline, bus.message('k', mapped));
  }

  @Override
  public void invalidateAll() {
    long deadline = deadline();
    await(invalidateAllInternal(), deadline);
  }

  @Override
  public CompletableFuture<Void> invalidateAllAsync() {
    return invalidateAllInternal().thenApply(x -> null);
  }

  private CompletableFuture<@Nullable Object> invalidateAllInternal() {
    bus.clearL1();
    L2Store<K, V> s = store;
    if (s == null) {
      return DONE;
    }
    return s.bumpGeneration(bus.head('g'))
        .thenApply(
            g -> {
              if (g instanceof Long) {
                bus.clearL1(); // fills that started under the old generation are dropped
              }
              return g;
            });
  }

  /** When the Redis steps of an operation starting now give up: one command timeout. */
  private long deadline() {
    L2Store<K, V> s = store;
    return s == null ? 0 : s.deadline();
  }

  /** Waits for a write until {@code deadline}; its failure is already counted. */
  private void await(CompletableFuture<@Nullable Object> write, long deadline) {
    L2Store<K, V> s = store;
    if (s != null) {
      s.await(write, deadline);
    }
  }

  // ---------------------------------------------------------------- misc

  @Override
  public CacheStats stats() {
    Cache<K, Entry<V>> c = l1;
    return meters.snapshot(c == null ? 0 : c.estimatedSize());
  }

  @Override
  public void close() {
    bus.close();
  }

  @Override
  public String toString() {
    return "TieredCache{"
        + name
        + (l1 != null ? ", l1" : "")
        + (store != null ? ", l2 " + store : "")
        + "}";
  }

  // ---------------------------------------------------------------- for tests

  /** Whether L1 holds a live entry for {@code key} (does not count as a read). */
  boolean l1Contains(K key) {
    Cache<K, Entry<V>> c = l1;
    if (c == null) {
      return false;
    }
    Entry<V> e = c.asMap().get(key);
    return e != null && e.isLive(clock);
  }

  /** Runs Caffeine's pending maintenance. */
  void cleanUp() {
    Cache<K, Entry<V>> c = l1;
    if (c != null) {
      c.cleanUp();
    }
  }

  @Nullable RedisSubscription subscription() {
    return bus.subscription();
  }

  @Nullable Breaker breaker() {
    L2Store<K, V> s = store;
    return s == null ? null : s.breaker();
  }

  long currentGeneration() {
    L2Store<K, V> s = store;
    return s == null ? -1 : s.currentGeneration();
  }

  /** The L2 key of {@code key} in the current generation. */
  String redisKey(K key) {
    L2Store<K, V> s = Objects.requireNonNull(store, "no L2");
    return s.redisKey(s.currentGeneration(), s.encodeKey(key));
  }
}
