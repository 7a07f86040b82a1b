package io.headroom.idgen.redis;

import io.headroom.core.Ticker;
import io.headroom.idgen.WorkerLease;
import io.headroom.idgen.WorkerLeaseLostException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker ID leased from a {@link LeaseStore}, kept alive by a heartbeat.
 *
 * <p>The lease is safe to use until {@code holdUntil}: the ticker reading taken <em>before</em> the
 * last successful renewal was sent, plus the TTL, minus the safety margin. The store's key lives at
 * least a TTL from when the renewal <em>arrived</em>, which is later, so the process stops issuing
 * IDs at least a safety margin before anyone else can be given its worker ID, however slow or lost
 * the replies are. {@link #ensureHeld()} is one ticker read and one volatile read.
 *
 * <p>Thread-safe: renewals and state changes are serialized on this object; {@code holdUntil} is
 * volatile.
 */
final class LeasedWorker implements WorkerLease {
  private static final Logger log = LoggerFactory.getLogger(LeasedWorker.class);

  private final LeaseStore store;
  private final long workerId;
  private final String holder;
  private final Ticker ticker;
  private final long ttlMillis;
  private final long holdNanos;
  private final long cooldownMillis;
  private final LeaseMeters meters;

  private volatile long holdUntil;
  private volatile @Nullable String lostBecause;
  private volatile boolean released;
  private volatile @Nullable Throwable lastError;
  private volatile long lastRenewedAt;
  private @Nullable ScheduledExecutorService heartbeat;
  private @Nullable ScheduledFuture<?> task;

  LeasedWorker(
      LeaseStore store,
      long workerId,
      String holder,
      Ticker ticker,
      long ttlMillis,
      long safetyMarginMillis,
      long cooldownMillis,
      LeaseMeters meters,
      long claimSentAt) {
    this.store = store;
    this.workerId = workerId;
    this.holder = holder;
    this.ticker = ticker;
    this.ttlMillis = ttlMillis;
    this.holdNanos = TimeUnit.MILLISECONDS.toNanos(ttlMillis - safetyMarginMillis);
    this.cooldownMillis = cooldownMillis;
    this.meters = meters;
    this.lastRenewedAt = claimSentAt;
    this.holdUntil = claimSentAt + holdNanos;
  }

  @Override
  public long workerId() {
    return workerId;
  }

  @Override
  public void ensureHeld() {
    if (ticker.read() - holdUntil >= 0) {
      throw lost();
    }
  }

  /** Whether {@link #ensureHeld()} would pass now. */
  boolean isHeld() {
    return ticker.read() - holdUntil < 0;
  }

  /** The holder ID written in the store. */
  String holder() {
    return holder;
  }

  private WorkerLeaseLostException lost() {
    String key = store.describe(workerId);
    if (released) {
      return new WorkerLeaseLostException(
          "worker ID " + workerId + " was released (" + key + "); build a new generator", null);
    }
    String because = lostBecause;
    if (because != null) {
      return new WorkerLeaseLostException(
          "worker ID " + workerId + " lost: " + because + "; build a new generator", null);
    }
    long sinceMillis = TimeUnit.NANOSECONDS.toMillis(ticker.read() - lastRenewedAt);
    Throwable cause = lastError;
    return new WorkerLeaseLostException(
        "worker ID "
            + workerId
            + " stopped issuing IDs: its lease "
            + key
            + " was last renewed "
            + sinceMillis
            + " ms ago and may lapse "
            + (ttlMillis - TimeUnit.NANOSECONDS.toMillis(holdNanos))
            + " ms after this point"
            + (cause == null ? "" : " (last renewal failed: " + cause + ")")
            + "; IDs resume if a renewal gets through while the ID is still free",
        cause);
  }

  /** Renews once; called by the heartbeat and while waiting out a claim. Never throws. */
  synchronized void renew() {
    if (released || lostBecause != null) {
      return;
    }
    long sent = ticker.read();
    LeaseStore.Renewal result;
    try {
      result = store.renew(workerId, holder, ttlMillis);
    } catch (RuntimeException e) {
      if (lastError == null) {
        log.warn(
            "idgen: renewing worker ID {} ({}) failed; IDs stop {} ms after the last renewal",
            workerId,
            store.describe(workerId),
            TimeUnit.NANOSECONDS.toMillis(holdNanos),
            e);
      }
      lastError = e;
      meters.error(e);
      return;
    }
    switch (result) {
      case RENEWED, RECLAIMED -> {
        if (result == LeaseStore.Renewal.RECLAIMED) {
          meters.reclaimed.increment();
          log.info("idgen: worker ID {} re-taken after its key vanished", workerId);
        } else {
          meters.renewed.increment();
        }
        if (sent + holdNanos - holdUntil > 0) {
          holdUntil = sent + holdNanos;
          lastRenewedAt = sent;
        }
        if (lastError != null) {
          log.info("idgen: worker ID {} renewed again", workerId);
        }
        lastError = null;
      }
      case TAKEN -> {
        lostBecause = store.describe(workerId) + " is held by another process";
        holdUntil = ticker.read();
        meters.lost.increment();
        log.error("idgen: worker ID {} lost: {}", workerId, lostBecause);
        stopHeartbeat();
      }
    }
  }

  /** Starts renewing every {@code intervalMillis} on a daemon thread. */
  synchronized void startHeartbeat(long intervalMillis) {
    ScheduledExecutorService s =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "headroom-idgen-lease-" + workerId);
              t.setDaemon(true);
              return t;
            });
    task =
        s.scheduleWithFixedDelay(
            this::renew, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    heartbeat = s;
  }

  private synchronized void stopHeartbeat() {
    ScheduledExecutorService s = heartbeat;
    ScheduledFuture<?> t = task;
    if (t != null) {
      t.cancel(false);
      task = null;
    }
    if (s != null) {
      s.shutdownNow();
      heartbeat = null;
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (released) {
        return;
      }
      released = true;
      holdUntil = ticker.read();
      stopHeartbeat();
    }
    if (lostBecause != null) {
      return;
    }
    try {
      store.release(workerId, holder, cooldownMillis);
    } catch (RuntimeException e) {
      meters.error(e);
      log.warn(
          "idgen: releasing worker ID {} failed; it frees itself when its TTL runs out",
          workerId,
          e);
    }
  }

  @Override
  public String toString() {
    return "LeasedWorker{"
        + store.describe(workerId)
        + ", holder="
        + holder
        + (released ? ", released" : isHeld() ? ", held" : ", not held")
        + "}";
  }
}
