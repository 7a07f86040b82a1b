package io.headroom.breaker;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The count rule: a ring holding the ticker readings of the last {@code threshold} failures. The
 * rule fires when the oldest of them is within the window of the newest. Lock-free and
 * allocation-free; under a race a failure may be judged against a slot another thread is writing,
 * which can only delay a trip by one failure, never cause a false one (an unwritten slot reads as
 * "never").
 */
final class FailureCountWindow {
  private static final long NEVER = Long.MIN_VALUE;

  private final int threshold;
  private final long windowNanos;
  private final AtomicLongArray stamps;
  private final AtomicLong count = new AtomicLong();

  FailureCountWindow(int threshold, long windowNanos) {
    this.threshold = threshold;
    this.windowNanos = windowNanos;
    this.stamps = new AtomicLongArray(Math.max(threshold, 1));
    clear();
  }

  int threshold() {
    return threshold;
  }

  long windowNanos() {
    return windowNanos;
  }

  /** Records a failure at {@code now}; returns whether the rule fires. */
  boolean recordAndCheck(long now) {
    if (threshold <= 0) {
      return false;
    }
    long n = count.getAndIncrement();
    stamps.set((int) (n % threshold), now);
    // The slot the next failure will overwrite holds the oldest of the last `threshold` failures.
    long oldest = stamps.get((int) ((n + 1) % threshold));
    return oldest != NEVER && now - oldest <= windowNanos;
  }

  /** Forgets every failure (on a state change). */
  void clear() {
    for (int i = 0; i < stamps.length(); i++) {
      stamps.set(i, NEVER);
    }
  }
}
