package io.headroom.ratelimit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.SynchronizationStrategy;
import io.headroom.core.Ticker;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The in-process engine: one Bucket4j bucket per key and limit, greedy refill of {@code permits}
 * per {@code permits x emission interval} (the same continuous refill as the Redis GCRA), in a
 * bounded {@link ConcurrentHashMap}.
 *
 * <p>Each key's buckets are used under the key entry's monitor (Bucket4j runs unsynchronized inside
 * it), which makes "check every limit, then charge all or none" atomic, and lets the sweeper drop
 * an entry without racing a decision: an entry is retired under its monitor and a decision that
 * finds it retired starts again on a fresh one.
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
    long now = ticker.read();
    if (now - nextSweep >= 0) {
      sweep(now, false);
    }
    while (true) {
      Entry e = entries.get(key);
      if (e == null) {
        if (entries.size() >= maxKeys) {
          sweep(now, true);
        }
        Entry fresh = new Entry(newBuckets());
        e = entries.putIfAbsent(key, fresh);
        if (e == null) {
          e = fresh;
        }
      }
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
      long p = spec.permits[i];
      Duration period = periods[i];
      b[i] =
          Bucket.builder()
              .addLimit(limit -> limit.capacity(p).refillGreedy(p, period))
              .withCustomTimePrecision(meter)
              .withSynchronizationStrategy(SynchronizationStrategy.NONE)
              .build();
    }
    return b;
  }

  /**
   * Drops entries whose buckets are full again (dropping them changes no decision); when {@code
   * full}, then drops the oldest-inserted entries down to 90 % of the bound.
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
        synchronized (e) {
          if (e.fullAt != Long.MAX_VALUE && e.fullAt - now <= 0) {
            e.retired = true;
            entries.remove(me.getKey(), e);
          }
        }
      }
      if (full && entries.size() >= maxKeys) {
        int target = (int) (maxKeys * 0.9);
        for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
            it.hasNext() && entries.size() > target; ) {
          Map.Entry<String, Entry> me = it.next();
          Entry e = me.getValue();
          synchronized (e) {
            e.retired = true;
            entries.remove(me.getKey(), e);
          }
        }
      }
    } finally {
      sweeping.set(false);
    }
  }

  /** One key's buckets; guarded by its own monitor. */
  private final class Entry {
    private final Bucket[] buckets;
    private long fullAt = Long.MAX_VALUE; // not yet decided: never swept as full
    private boolean retired;

    Entry(Bucket[] buckets) {
      this.buckets = buckets;
    }

    Decision decide(long cost) {
      return spec.n == 1 ? decideOne(cost) : decideMany(cost);
    }

    private Decision decideOne(long cost) {
      Bucket b = buckets[0];
      long p = spec.permits[0];
      if (cost > p) {
        long reset = b.estimateAbilityToConsume(p).getNanosToWaitForRefill();
        fullAt = ticker.read() + reset;
        return spec.one(cost, false, b.getAvailableTokens(), reset, 0);
      }
      ConsumptionProbe probe = b.tryConsumeAndReturnRemaining(cost);
      fullAt = meter.currentTimeNanos() + probe.getNanosToWaitForReset();
      return spec.one(
          cost,
          probe.isConsumed(),
          probe.getRemainingTokens(),
          probe.getNanosToWaitForReset(),
          probe.getNanosToWaitForRefill());
    }

    private Decision decideMany(long cost) {
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
