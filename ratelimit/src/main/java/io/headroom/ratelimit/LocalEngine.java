package io.headroom.ratelimit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.SynchronizationStrategy;
import io.headroom.core.Ticker;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-process engine: one Bucket4j bucket per key and limit, greedy refill of {@code permits}
 * per {@code permits x emission interval} (the same continuous refill as the Redis GCRA), in a
 * bounded {@link ConcurrentHashMap}.
 *
 * <p>With <b>one limit</b> a key's bucket is Bucket4j's {@code SYNCHRONIZED} bucket, used with no
 * lock of ours: one uncontended monitor per decision, state updated in place (Bucket4j's lock-free
 * bucket copies its state on every compare-and-swap: 64 more bytes and measured slower here, at 1
 * and at 4 threads), and the numbers of the decision come from the same {@link ConsumptionProbe}
 * (one clock read). With <b>several limits</b> each key's buckets are used under the key entry's
 * monitor (Bucket4j runs unsynchronized inside it), which makes "check every limit, then charge all
 * or none" atomic.
 *
 * <p>The sweeper drops an entry only after marking it retired: a multi-limit entry under its
 * monitor; a single-limit entry by a volatile flag written before it re-checks (under the bucket's
 * lock) that the bucket is full, while a decision reads the flag after it charged the bucket.
 * Whichever comes second sees the other, so a decision that charged a retired bucket puts the
 * permits back and starts again on a fresh entry: no charge is lost to a sweep. Sweeps run when a
 * new key is inserted (the only way the map grows): at most every 10 s, and when the map is full.
 *
 * <p><b>The bound.</b> A sweep first drops the entries whose buckets are full again: such a bucket
 * carries no state (a fresh one would decide the same), so dropping it is exact. Only if the map is
 * still full does it forget usage, and then the <b>least recently used</b> entries, down to 90 % of
 * the bound. Recency is counted in inserts: every insert ticks {@link #inserts}, an entry records
 * the count at its insert and at each decision ({@link Entry#lastUsed}, a plain field written only
 * when it changed: no allocation, lock or fence on the hot path, and no clock read). Why recency:
 * every bucket of one engine has the same limits, so the entry used longest ago has had the longest
 * to refill and is the closest to full, the one whose reset over-admits least; and a key in use is
 * never dropped for one that is idle: a key is dropped only when 90 % of the bound's worth of other
 * keys were used after it, so a flood of new keys cannot reset a key still being asked for ({@code
 * LocalRateLimiterTest.aFloodOfNewKeysNeverResetsAHotKey}). Eviction errs towards allowing: a
 * dropped key starts again with a full bucket.
 */
final class LocalEngine {
  private static final long SWEEP_EVERY_NANOS = Duration.ofSeconds(10).toNanos();

  private final Spec spec;
  private final Ticker ticker;
  private final TimeMeter meter;
  private final int maxKeys;
  private final Duration[] periods;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicBoolean sweeping = new AtomicBoolean();

  /** Inserts so far: the clock of {@link Entry#lastUsed}; ticks only on the (allocating) insert. */
  private final AtomicLong inserts = new AtomicLong();

  private volatile long nextSweep;

  LocalEngine(Spec spec, Ticker ticker, int maxKeys) {
    this.spec = spec;
    this.ticker = ticker;
    this.maxKeys = maxKeys;
    this.meter = new TickerMeter(ticker);
    this.periods = new Duration[spec.n];
    for (int i = 0; i < spec.n; i++) {
      periods[i] = spec.limits.get(i).effectiveWindow();
    }
    this.nextSweep = ticker.read() + SWEEP_EVERY_NANOS;
  }

  Spec spec() {
    return spec;
  }

  int size() {
    return entries.size();
  }

  Decision decide(String key, long cost) {
    return spec.n == 1 ? decideOne(key, cost) : decideMany(key, cost);
  }

  private Entry entry(String key) {
    Entry e = entries.get(key);
    if (e == null) {
      return insert(key);
    }
    long used = inserts.get();
    if (e.lastUsed != used) { // a hot key writes once per insert elsewhere, not once per decision
      e.lastUsed = used;
    }
    return e;
  }

  private Entry insert(String key) {
    long now = ticker.read();
    if (now - nextSweep >= 0) {
      sweep(now, false);
    }
    if (entries.size() >= maxKeys) {
      sweep(now, true);
    }
    Entry fresh =
        spec.n == 1
            ? new Single(newBucket(0, SynchronizationStrategy.SYNCHRONIZED))
            : new Many(newBuckets());
    fresh.lastUsed = inserts.incrementAndGet();
    Entry e = entries.putIfAbsent(key, fresh);
    if (e == null) {
      return fresh;
    }
    e.lastUsed = fresh.lastUsed;
    return e;
  }

  /** One limit: no lock of ours, one charge, the decision's numbers from its probe. */
  private Decision decideOne(String key, long cost) {
    long p = spec.permits[0];
    while (true) {
      Single e = (Single) entry(key);
      Bucket b = e.bucket;
      if (cost > p) {
        // read-only: charges nothing, so a concurrent sweep cannot make it wrong
        long reset = b.estimateAbilityToConsume(p).getNanosToWaitForRefill();
        return spec.one(cost, false, b.getAvailableTokens(), reset, 0);
      }
      ConsumptionProbe probe = b.tryConsumeAndReturnRemaining(cost);
      if (e.retired) {
        // the sweeper is dropping (or re-checking) this entry: undo and start again
        if (probe.isConsumed()) {
          b.addTokens(cost);
        }
        Thread.onSpinWait();
        continue;
      }
      return spec.one(
          cost,
          probe.isConsumed(),
          probe.getRemainingTokens(),
          probe.getNanosToWaitForReset(),
          probe.getNanosToWaitForRefill());
    }
  }

  private Decision decideMany(String key, long cost) {
    while (true) {
      Many e = (Many) entry(key);
      synchronized (e) {
        if (!e.retired) {
          return e.decide(cost);
        }
      }
    }
  }

  private Bucket[] newBuckets() {
    Bucket[] b = new Bucket[spec.n];
    for (int i = 0; i < spec.n; i++) {
      b[i] = newBucket(i, SynchronizationStrategy.NONE);
    }
    return b;
  }

  private Bucket newBucket(int i, SynchronizationStrategy sync) {
    long p = spec.permits[i];
    Duration period = periods[i];
    return Bucket.builder()
        .addLimit(limit -> limit.capacity(p).refillGreedy(p, period))
        .withCustomTimePrecision(meter)
        .withSynchronizationStrategy(sync)
        .build();
  }

  /**
   * Drops entries whose buckets are full again (dropping them changes no decision); when {@code
   * full} and that was not enough, then drops the least recently used entries down to 90 % of the
   * bound (see the class comment).
   */
  void sweep(long now, boolean full) {
    if (!sweeping.compareAndSet(false, true)) {
      return;
    }
    try {
      nextSweep = now + SWEEP_EVERY_NANOS;
      for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, Entry> me = it.next();
        Entry e = me.getValue();
        if (e.retireIfFull(now)) {
          entries.remove(me.getKey(), e);
        }
      }
      if (full && entries.size() >= maxKeys) {
        evictLeastRecentlyUsed((int) (maxKeys * 0.9));
      }
    } finally {
      sweeping.set(false);
    }
  }

  /**
   * Drops the least recently used entries until at most {@code target} are left: finds the recency
   * below which the excess lies (one sort of the map's recencies, once per tenth of the bound's
   * inserts), then drops the entries strictly older, then those exactly that old. Each entry's
   * recency is read again as it is dropped, so a key used meanwhile is kept.
   */
  private void evictLeastRecentlyUsed(int target) {
    long[] used = new long[entries.size()];
    int n = 0;
    for (Entry e : entries.values()) {
      if (n == used.length) {
        used = Arrays.copyOf(used, n * 2 + 1);
      }
      used[n++] = e.lastUsed;
    }
    int excess = Math.min(n, entries.size() - target);
    if (excess <= 0) {
      return;
    }
    Arrays.sort(used, 0, n);
    long threshold = used[excess - 1];
    for (int pass = 0; pass < 2; pass++) {
      for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
          it.hasNext() && entries.size() > target; ) {
        Map.Entry<String, Entry> me = it.next();
        Entry e = me.getValue();
        long last = e.lastUsed;
        if (pass == 0 ? last < threshold : last == threshold) {
          e.retire();
          entries.remove(me.getKey(), e);
        }
      }
    }
  }

  /** One key's state. */
  private abstract static class Entry {
    volatile boolean retired;

    /**
     * The insert count ({@link LocalEngine#inserts}) at the entry's last decision or its insert.
     * Plain: a stale or racing read only makes a sweep rank this entry a little older than it is.
     */
    long lastUsed;

    /** Retires the entry if its buckets are full at {@code now}; whether it did. */
    abstract boolean retireIfFull(long now);

    /** Retires the entry whatever its state (forgets its usage). */
    abstract void retire();
  }

  /** One limit: one self-synchronized bucket. */
  private final class Single extends Entry {
    private final Bucket bucket;

    Single(Bucket bucket) {
      this.bucket = bucket;
    }

    @Override
    boolean retireIfFull(long now) {
      long p = spec.permits[0];
      if (bucket.getAvailableTokens() < p) {
        return false;
      }
      retired = true; // volatile write, then re-read the bucket: see the class comment
      if (bucket.getAvailableTokens() >= p) {
        return true;
      }
      retired = false;
      return false;
    }

    @Override
    void retire() {
      retired = true;
    }
  }

  /** Several limits: one bucket per limit; guarded by its own monitor. */
  private final class Many extends Entry {
    private final Bucket[] buckets;
    private long fullAt = Long.MAX_VALUE; // not yet decided: never swept as full

    Many(Bucket[] buckets) {
      this.buckets = buckets;
    }

    @Override
    synchronized boolean retireIfFull(long now) {
      if (fullAt != Long.MAX_VALUE && fullAt - now <= 0) {
        retired = true;
        return true;
      }
      return false;
    }

    @Override
    synchronized void retire() {
      retired = true;
    }

    Decision decide(long cost) {
      int n = spec.n;
      boolean all = true;
      EstimationProbe[] probes = new EstimationProbe[n];
      for (int i = 0; i < n; i++) {
        if (cost > spec.permits[i]) {
          all = false;
        } else {
          probes[i] = buckets[i].estimateAbilityToConsume(cost);
          all &= probes[i].canBeConsumed();
        }
      }
      long[] remaining = new long[n];
      long[] reset = new long[n];
      long[] retry = new long[n];
      long latest = 0;
      for (int i = 0; i < n; i++) {
        Bucket b = buckets[i];
        if (all) {
          ConsumptionProbe c = b.tryConsumeAndReturnRemaining(cost);
          remaining[i] = c.getRemainingTokens();
          reset[i] = c.getNanosToWaitForReset();
        } else {
          EstimationProbe e = probes[i];
          remaining[i] = e == null ? b.getAvailableTokens() : e.getRemainingTokens();
          retry[i] = e == null || e.canBeConsumed() ? 0 : e.getNanosToWaitForRefill();
          reset[i] = b.estimateAbilityToConsume(spec.permits[i]).getNanosToWaitForRefill();
        }
        latest = Math.max(latest, reset[i]);
      }
      fullAt = ticker.read() + latest;
      return spec.many(cost, all, remaining, reset, retry);
    }
  }

  /** Bucket4j's clock, read from the injected ticker. */
  private static final class TickerMeter implements TimeMeter {
    private final Ticker ticker;

    TickerMeter(Ticker ticker) {
      this.ticker = ticker;
    }

    @Override
    public long currentTimeNanos() {
      return ticker.read();
    }

    @Override
    public boolean isWallClockBased() {
      return false;
    }
  }
}
