package io.headroom.cache;

import com.github.benmanes.caffeine.cache.Cache;
import io.headroom.core.Ticker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything after an L1 miss: per-key single-flight (one load per key per process; {@code get},
 * {@code getAll} and background refreshes share the loads in flight), the L2 read, the distributed
 * lease that lets one node load while the others poll L2, the loader, and storing what was found in
 * both tiers unless an invalidation raced it ({@link InvalidationBus#raced}).
 *
 * <p>Thread-safe.
 */
final class LoadCoordinator<K, V> {
  private static final Logger log = LoggerFactory.getLogger(LoadCoordinator.class);

  private final String name;
  private final @Nullable Cache<K, Entry<V>> l1;
  private final L1Clock clock;
  final CacheMeters meters;
  final Ttls ttls;
  final Ticker ticker;
  private final Executor executor;
  private final Hooks hooks;
  final @Nullable CacheLoader<? super K, ? extends V> loader;
  final @Nullable BulkLoader<K, V> bulkLoader;
  final @Nullable L2Store<K, V> store;
  final InvalidationBus<K, V> bus;
  private final boolean lease;
  private final Duration leaseTtl;
  private final long leasePollNanos;
  private final int leasePolls;
  private final AtomicLong tokens = new AtomicLong();
  private final ConcurrentHashMap<K, CompletableFuture<Entry<V>>> inFlight =
      new ConcurrentHashMap<>();

  LoadCoordinator(
      TieredCache.Builder<K, V> b,
      @Nullable Cache<K, Entry<V>> l1,
      L1Clock clock,
      Ttls ttls,
      @Nullable L2Store<K, V> store,
      InvalidationBus<K, V> bus,
      CacheMeters meters) {
    this.name = b.name;
    this.l1 = l1;
    this.clock = clock;
    this.meters = meters;
    this.ttls = ttls;
    this.ticker = b.ticker;
    this.executor = b.executor;
    this.hooks = b.hooks;
    this.loader = b.loader;
    this.bulkLoader = b.bulkLoader;
    this.store = store;
    this.bus = bus;
    this.lease = b.distributedLoadLock;
    this.leaseTtl = b.lockLease;
    this.leasePollNanos = b.lockPoll.toNanos();
    this.leasePolls = (int) Math.max(1, b.lockWait.toNanos() / Math.max(1, leasePollNanos));
  }

  // ---------------------------------------------------------------- single-flight

  /** {@code get} after an L1 miss: joins the load in flight, or loads (through L2) itself. */
  @Nullable V load(K key) {
    if (loader == null) {
      throw new IllegalStateException(
          "cache " + name + " has no loader: configure loader(...) or use getIfPresent");
    }
    CompletableFuture<Entry<V>> mine = new CompletableFuture<>();
    CompletableFuture<Entry<V>> running = inFlight.putIfAbsent(key, mine);
    if (running != null) {
      return joinShared(key, running).value;
    }
    try {
      long startSeq = bus.sequence();
      Entry<V> e = l1 == null ? null : Entry.live(l1, key, clock, meters);
      if (e != null) {
        meters.sharedHits.increment(); // a fill that finished just before ours started
      } else {
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

  /** Reloads {@code key} on the executor unless a load of it is in flight. */
  void refreshInBackground(K key) {
    CompletableFuture<Entry<V>> mine = new CompletableFuture<>();
    if (inFlight.putIfAbsent(key, mine) != null) {
      return; // someone is already loading it; keep serving the current value
    }
    try {
      executor.execute(
          () -> {
            try {
              mine.complete(fill(key, true, bus.sequence()));
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

  private Entry<V> joinShared(K key, CompletableFuture<Entry<V>> running) {
    hooks.beforeJoin(key);
    Entry<V> e;
    try {
      e = join(running);
    } catch (RuntimeException | Error t) {
      meters.misses.increment();
      throw t;
    }
    meters.sharedHits.increment();
    return e;
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
    } catch (CancellationException ce) {
      throw new CacheLoadException("cache " + name + ": load was cancelled", ce);
    }
  }

  // ---------------------------------------------------------------- one key

  /** L2, then (optionally under the distributed lease) the loader; stores what it found. */
  private Entry<V> fill(K key, boolean refresh, long startSeq) {
    Fill<K> f = prepare(key, startSeq, refresh);
    if (f.redisKey() != null && !refresh) {
      Entry<V> hit = readL2(f, true);
      if (hit != null) {
        return hit;
      }
      if (lease) {
        Entry<V> viaLease = loadUnderLease(f);
        if (viaLease != null) {
          return viaLease;
        }
      }
    }
    return loadAndStore(f);
  }

  private Fill<K> prepare(K key, long startSeq, boolean refresh) {
    L2Store<K, V> s = store;
    if (s == null) {
      int stripe = InvalidationBus.stripe(key, null);
      return new Fill<>(key, null, null, -1, stripe, startSeq, ticker.read(), refresh);
    }
    long deadline = s.deadline();
    String mapped = s.encodeKey(key);
    long gen = s.generation(deadline);
    String rk = gen >= 0 ? s.redisKey(gen, mapped) : null;
    int stripe = InvalidationBus.stripe(key, mapped);
    return new Fill<>(key, mapped, rk, gen, stripe, startSeq, deadline, refresh);
  }

  /** {@code getIfPresent} after an L1 miss: L2 only. */
  @Nullable V peek(K key) {
    Fill<K> f = prepare(key, bus.sequence(), false);
    Entry<V> e = null;
    if (f.redisKey() == null) {
      meters.l2Misses.increment();
    } else {
      e = readL2(f, true);
    }
    if (e == null) {
      meters.misses.increment();
      return null;
    }
    return e.value;
  }

  /**
   * Takes the lease and loads, or polls L2 while another node holds it; null when the lease could
   * not be had (Redis failing) or the holder was too slow: the caller then loads itself.
   */
  private @Nullable Entry<V> loadUnderLease(Fill<K> f) {
    L2Store<K, V> s = Objects.requireNonNull(store);
    String lockKey = s.lockKey(f.generation(), Objects.requireNonNull(f.mapped()));
    byte[] token =
        (bus.nodeId() + ":" + tokens.incrementAndGet()).getBytes(StandardCharsets.US_ASCII);
    Object got = s.await(s.tryLock(lockKey, token, leaseTtl), f.deadline());
    if (Boolean.TRUE.equals(got)) {
      try {
        // the previous holder may have filled L2 just before we got the lease
        Entry<V> hit = readL2(f.withDeadline(s.deadline()), false);
        if (hit != null) {
          return hit;
        }
        return loadAndStore(f.withDeadline(s.deadline()));
      } finally {
        s.unlock(lockKey, token);
      }
    }
    if (Boolean.FALSE.equals(got)) {
      for (int i = 0; i < leasePolls; i++) {
        LockSupport.parkNanos(leasePollNanos);
        Entry<V> hit = readL2(f.withDeadline(s.deadline()), false);
        if (hit != null) {
          return hit;
        }
        if (!s.breakerAllows()) {
          break;
        }
      }
    }
    return null;
  }

  private @Nullable Entry<V> readL2(Fill<K> f, boolean countMiss) {
    L2Store<K, V> s = Objects.requireNonNull(store);
    Object r = s.await(s.get(Objects.requireNonNull(f.redisKey())), f.deadline());
    hooks.afterL2Read(f.key());
    if (r instanceof byte[] bytes) {
      Entry<V> e = s.decode(bytes);
      if (e != null) {
        meters.l2Hits.increment();
        storeL1(f.key(), e, f.stripe(), f.startSeq());
        return e;
      }
    }
    if (countMiss) {
      meters.l2Misses.increment();
    }
    return null;
  }

  private Entry<V> loadAndStore(Fill<K> f) {
    CacheLoader<? super K, ? extends V> ld = Objects.requireNonNull(loader);
    if (!f.refresh()) {
      meters.misses.increment();
    }
    long t0 = ticker.read();
    V v;
    try {
      v = ld.load(f.key());
    } catch (Exception e) {
      throw loadFailed(e, t0, "loader");
    }
    long delta = Math.max(0, ticker.read() - t0);
    if (v == null) {
      meters.loadNotFound.increment();
      meters.loadNotFoundNanos.add(delta);
      if (!ttls.cachesAbsence()) {
        return new Entry<>(null, 0, delta);
      }
    } else {
      meters.loadSuccess.increment();
      meters.loadSuccessNanos.add(delta);
      meters.puts.increment();
    }
    Entry<V> e = new Entry<>(v, ticker.read() + ttls.l1Life(v), delta);
    L2Store<K, V> s = store;
    String rk = f.redisKey();
    if (s != null && rk != null && !bus.raced(f.stripe(), f.startSeq())) {
      byte[] bytes = s.envelope(v, delta);
      if (bytes != null) {
        // a refresh publishes, so other nodes drop the value it replaces
        byte[] publish = f.refresh() ? bus.message('k', Objects.requireNonNull(f.mapped())) : null;
        s.await(s.write(rk, bytes, ttls.l2Millis(v), publish), f.deadline());
      }
    }
    storeL1(f.key(), e, f.stripe(), f.startSeq());
    return e;
  }

  void storeL1(K key, Entry<V> e, int stripe, long startSeq) {
    Cache<K, Entry<V>> c = l1;
    if (c == null || (e.value == null && !ttls.cachesAbsence()) || bus.raced(stripe, startSeq)) {
      return;
    }
    bus.noteKey(key);
    c.put(key, e);
    if (bus.raced(stripe, startSeq)) {
      c.asMap().remove(key, e); // an invalidation slipped in between: drop our (stale) fill
    }
  }

  /**
   * Records a failed load and returns what to throw: the loader's own unchecked exception, or a
   * checked one wrapped in {@link CacheLoadException} (restoring the interrupt flag).
   */
  RuntimeException loadFailed(Exception e, long t0, String which) {
    meters.loadFailure.increment();
    meters.loadFailureNanos.add(Math.max(0, ticker.read() - t0));
    if (e instanceof RuntimeException re) {
      return re;
    }
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    return new CacheLoadException("cache " + name + ": the " + which + " threw " + e, e);
  }

  // ---------------------------------------------------------------- many keys

  /**
   * {@code getAll} for the keys L1 missed: joins the loads in flight for some of them, and for the
   * others (now in flight under this call, so {@code get}s join it) reads L2 with one {@code MGET}
   * and calls the bulk loader once for what is still missing. Adds what it found to {@code found}.
   */
  void getAll(Set<K> misses, Map<K, V> found) {
    if (loader == null && bulkLoader == null) {
      throw new IllegalStateException(
          "cache " + name + " has no loader: configure bulkLoader(...) or loader(...)");
    }
    Map<K, CompletableFuture<Entry<V>>> owned = new LinkedHashMap<>();
    Map<K, CompletableFuture<Entry<V>>> joined = new LinkedHashMap<>();
    for (K key : misses) {
      CompletableFuture<Entry<V>> mine = new CompletableFuture<>();
      CompletableFuture<Entry<V>> running = inFlight.putIfAbsent(key, mine);
      if (running == null) {
        owned.put(key, mine);
      } else {
        joined.put(key, running);
      }
    }
    try {
      if (!owned.isEmpty()) {
        new BulkFill<>(this, owned, found).run();
      }
    } catch (RuntimeException | Error t) {
      for (CompletableFuture<Entry<V>> f : owned.values()) {
        f.completeExceptionally(t); // no effect on the keys already answered
      }
      throw t;
    } finally {
      for (Map.Entry<K, CompletableFuture<Entry<V>>> o : owned.entrySet()) {
        inFlight.remove(o.getKey(), o.getValue());
      }
    }
    for (Map.Entry<K, CompletableFuture<Entry<V>>> j : joined.entrySet()) {
      Entry<V> e = joinShared(j.getKey(), j.getValue());
      if (e.value != null) {
        found.put(j.getKey(), e.value);
      }
    }
  }
}
