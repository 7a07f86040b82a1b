package io.headroom.idgen;

import io.headroom.core.Ticker;
import io.micrometer.core.instrument.Counter;
import java.time.Instant;
import java.time.InstantSource;

/**
 * Milliseconds since a custom epoch, read from the monotonic {@link Ticker} and anchored to the
 * wall clock. The wall clock is read once at start and then only every {@code checkIntervalNanos}
 * to notice steps: a step forward re-anchors silently; a step back is counted and re-anchors too,
 * so timestamps stay true to the wall clock, and the generator's policy decides what to do while
 * the clock is behind the last issued ID.
 *
 * <p>Thread-safe: the anchor is one immutable object behind a volatile field, replaced under a lock
 * by whichever thread notices that a check is due.
 */
final class AnchoredClock {
  /** Differences under this are reading noise (two clocks read a few ns apart, ms rounding). */
  static final long STEP_THRESHOLD_NANOS = 1_000_000L;

  private final Ticker ticker;
  private final InstantSource wall;
  private final Instant epoch;
  private final long checkIntervalNanos;
  private final Counter backwardsSteps;
  private volatile Anchor anchor;
  private volatile long lastStepBackNanos;

  /** Wall nanos since the epoch at monotonic reading {@code ticks}; next check at {@code due}. */
  private record Anchor(long wallNanos, long ticks, long due) {}

  AnchoredClock(
      Ticker ticker,
      InstantSource wall,
      Instant epoch,
      long checkIntervalNanos,
      Counter backwardsSteps) {
    this.ticker = ticker;
    this.wall = wall;
    this.epoch = epoch;
    this.checkIntervalNanos = checkIntervalNanos;
    this.backwardsSteps = backwardsSteps;
    long t = ticker.read();
    this.anchor = new Anchor(wallNanos(), t, t + checkIntervalNanos);
  }

  /** Nanoseconds since the epoch now; re-checks the wall clock when a check is due. */
  long nanos() {
    long t = ticker.read();
    Anchor a = anchor;
    if (t - a.due >= 0) {
      a = recheck(t);
    }
    return a.wallNanos + (t - a.ticks);
  }

  /** Milliseconds since the epoch now. */
  long millis() {
    return Math.floorDiv(nanos(), 1_000_000L);
  }

  /** The size of the last step back noticed, in nanoseconds; 0 if none. */
  long lastStepBackNanos() {
    return lastStepBackNanos;
  }

  private synchronized Anchor recheck(long t) {
    Anchor a = anchor;
    if (t - a.due < 0) {
      return a; // another thread just did it
    }
    long now = ticker.read();
    long wallNanos = wallNanos();
    long drift = wallNanos - (a.wallNanos + (now - a.ticks));
    Anchor next;
    if (drift <= -STEP_THRESHOLD_NANOS) {
      lastStepBackNanos = -drift;
      backwardsSteps.increment();
      next = new Anchor(wallNanos, now, now + checkIntervalNanos);
    } else if (drift >= STEP_THRESHOLD_NANOS) {
      next = new Anchor(wallNanos, now, now + checkIntervalNanos);
    } else {
      next = new Anchor(a.wallNanos, a.ticks, now + checkIntervalNanos);
    }
    anchor = next;
    return next;
  }

  private long wallNanos() {
    Instant now = wall.instant();
    return (now.getEpochSecond() - epoch.getEpochSecond()) * 1_000_000_000L
        + (now.getNano() - epoch.getNano());
  }
}
