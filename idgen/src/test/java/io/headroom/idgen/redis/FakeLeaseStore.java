package io.headroom.idgen.redis;

import io.headroom.testkit.FakeTicker;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** The Redis scripts' semantics on a map, with expiry on a {@link FakeTicker}. */
final class FakeLeaseStore implements LeaseStore {
  private record Entry(String holder, long expiresAt) {}

  private final FakeTicker time;
  private final Map<Long, Entry> keys = new HashMap<>();
  private @Nullable Long markerSince;
  private volatile @Nullable RuntimeException failure;
  private volatile long renewDelayNanos;

  FakeLeaseStore(FakeTicker time) {
    this.time = time;
    this.markerSince = time.read() - TimeUnit.HOURS.toNanos(1); // long-lived data
  }

  void failWith(@Nullable RuntimeException e) {
    failure = e;
  }

  /** Each renewal takes this long to reach the "server". */
  void renewDelay(long nanos) {
    renewDelayNanos = nanos;
  }

  /** Forgets everything, as a Redis restart without persistence does. */
  synchronized void loseData() {
    keys.clear();
    markerSince = null;
  }

  synchronized @Nullable String holderOf(long id) {
    Entry e = live(id);
    return e == null ? null : e.holder;
  }

  synchronized void put(long id, String holder, long ttlMillis) {
    keys.put(id, new Entry(holder, time.read() + TimeUnit.MILLISECONDS.toNanos(ttlMillis)));
  }

  private @Nullable Entry live(long id) {
    Entry e = keys.get(id);
    if (e != null && time.read() - e.expiresAt >= 0) {
      keys.remove(id);
      return null;
    }
    return e;
  }

  private void maybeFail() {
    RuntimeException e = failure;
    if (e != null) {
      throw e;
    }
  }

  @Override
  public synchronized Claim claim(long maxWorkerId, long start, String holder, long ttlMillis) {
    maybeFail();
    long now = time.read();
    Long since = markerSince;
    if (since == null) {
      since = now;
      markerSince = now;
    }
    long wait = Math.max(0, TimeUnit.NANOSECONDS.toMillis(since - now) + ttlMillis);
    for (long i = 0; i <= maxWorkerId; i++) {
      long id = (start + i) % (maxWorkerId + 1);
      if (live(id) == null) {
        put(id, holder, ttlMillis);
        return new Claim(id, wait);
      }
    }
    return new Claim(-1, 0);
  }

  @Override
  public Renewal renew(long workerId, String holder, long ttlMillis) {
    maybeFail();
    if (renewDelayNanos > 0) {
      time.advance(renewDelayNanos, TimeUnit.NANOSECONDS);
    }
    synchronized (this) {
      Entry e = live(workerId);
      if (e == null) {
        put(workerId, holder, ttlMillis);
        return Renewal.RECLAIMED;
      }
      if (e.holder.equals(holder)) {
        put(workerId, holder, ttlMillis);
        return Renewal.RENEWED;
      }
      return Renewal.TAKEN;
    }
  }

  @Override
  public synchronized void release(long workerId, String holder, long cooldownMillis) {
    maybeFail();
    Entry e = live(workerId);
    if (e != null && e.holder.equals(holder)) {
      if (cooldownMillis > 0) {
        put(workerId, "released", cooldownMillis);
      } else {
        keys.remove(workerId);
      }
    }
  }

  @Override
  public String describe(long workerId) {
    return "{idgen:test}:worker:" + workerId;
  }
}
