package io.headroom.cache;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The keys one {@code getAll} owns (in flight under it, so {@code get}s join it): L2 with one
 * {@code MGET} (split per Cluster slot and pipelined by the connector), then one bulk load for what
 * is still missing, stored in both tiers unless an invalidation raced it. Each key's future is
 * completed as soon as its answer is known. Used once, by one thread.
 */
final class BulkFill<K, V> {
  private final LoadCoordinator<K, V> lc;
  private final Map<K, CompletableFuture<Entry<V>>> owned;
  private final Map<K, V> found;
  private final Set<K> rest;
  private final long startSeq;
  private final Map<K, String> mapped = new LinkedHashMap<>();
  private final Map<K, String> redisKeys = new LinkedHashMap<>();
  private final long deadline;

  BulkFill(LoadCoordinator<K, V> lc, Map<K, CompletableFuture<Entry<V>>> owned, Map<K, V> found) {
    this.lc = lc;
    this.owned = owned;
    this.found = found;
    this.rest = new LinkedHashSet<>(owned.keySet());
    this.startSeq = lc.bus.sequence();
    L2Store<K, V> s = lc.store;
    this.deadline = s == null ? lc.ticker.read() : s.deadline();
  }

  void run() {
    L2Store<K, V> s = lc.store;
    if (s != null) {
      for (K key : rest) {
        mapped.put(key, s.encodeKey(key));
      }
      long gen = s.generation(deadline);
      if (gen >= 0) {
        for (Map.Entry<K, String> m : mapped.entrySet()) {
          redisKeys.put(m.getKey(), s.redisKey(gen, m.getValue()));
        }
        readAll(s);
      } else {
        lc.meters.l2Misses.add(rest.size());
      }
    }
    if (!rest.isEmpty()) {
      loadRest(s);
    }
  }

  private void readAll(L2Store<K, V> s) {
    Object r = s.await(s.mget(new ArrayList<>(redisKeys.values())), deadline);
    if (!(r instanceof List<?> values)) {
      lc.meters.l2Misses.add(rest.size());
      return;
    }
    int i = 0;
    for (K key : new ArrayList<>(rest)) { // the order of redisKeys
      Object b = values.get(i++);
      Entry<V> e = b instanceof byte[] bytes ? s.decode(bytes) : null;
      if (e == null) {
        lc.meters.l2Misses.increment();
        continue;
      }
      lc.meters.l2Hits.increment();
      lc.storeL1(key, e, InvalidationBus.stripe(key, mapped.get(key)), startSeq);
      rest.remove(key);
      answer(key, e);
    }
  }

  private void loadRest(@Nullable L2Store<K, V> s) {
    lc.meters.misses.add(rest.size());
    Map<K, V> loaded = loadMany(rest);
    List<CompletableFuture<@Nullable Object>> writes = new ArrayList<>();
    for (K key : rest) {
      V v = loaded.get(key);
      int stripe = InvalidationBus.stripe(key, mapped.get(key));
      if (v == null && !lc.ttls.cachesAbsence()) {
        answer(key, new Entry<>(null, 0, 0));
        continue;
      }
      if (v != null) {
        lc.meters.puts.increment();
      }
      Entry<V> e = new Entry<>(v, lc.ticker.read() + lc.ttls.l1Life(v), 0);
      String rk = redisKeys.get(key);
      if (s != null && rk != null && !lc.bus.raced(stripe, startSeq)) {
        byte[] bytes = s.envelope(v, 0);
        if (bytes != null) {
          writes.add(s.write(rk, bytes, lc.ttls.l2Millis(v), null));
        }
      }
      lc.storeL1(key, e, stripe, startSeq);
      answer(key, e);
    }
    if (s != null && !writes.isEmpty()) {
      s.await(CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0])), deadline);
    }
  }

  private void answer(K key, Entry<V> e) {
    if (e.value != null) {
      found.put(key, e.value);
    }
    Objects.requireNonNull(owned.get(key)).complete(e);
  }

  private Map<K, V> loadMany(Set<K> keys) {
    long t0 = lc.ticker.read();
    BulkLoader<K, V> bulk = lc.bulkLoader;
    Map<K, V> out;
    try {
      if (bulk != null) {
        Map<K, V> got = bulk.loadAll(Collections.unmodifiableSet(keys));
        out = got == null ? Map.of() : got;
      } else {
        CacheLoader<? super K, ? extends V> ld = Objects.requireNonNull(lc.loader);
        out = new LinkedHashMap<>();
        for (K key : keys) {
          V v = ld.load(key);
          if (v != null) {
            out.put(key, v);
          }
        }
      }
    } catch (Exception e) {
      throw lc.loadFailed(e, t0, "bulk loader");
    }
    long delta = Math.max(0, lc.ticker.read() - t0);
    lc.meters.loadSuccess.increment();
    lc.meters.loadSuccessNanos.add(delta);
    return out;
  }
}
