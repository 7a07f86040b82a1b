package io.headroom.cache;

import io.headroom.core.Ticker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The ticker handed to Caffeine, which also remembers, to within {@link #RESOLUTION}, the latest
 * time Caffeine read. Caffeine reads its ticker on every L1 hit to check the fixed expiry; the
 * per-entry (jittered) expiry check then reuses that reading instead of reading the clock a second
 * time: {@link #recent()} is one load of a field that is written at most about once per {@link
 * #RESOLUTION} (so readers on many cores do not contend on it).
 *
 * <p>Invariant: after a {@link #read()} that returned {@code t}, {@link #recent()} {@code > t -
 * RESOLUTION} (the field only grows, raised by compare-and-set). An entry whose deadline is at
 * least {@code RESOLUTION} after {@link #recent()} is therefore live at the time Caffeine checked
 * it; only entries in their last {@code RESOLUTION} of life need a real clock read.
 */
final class L1Clock implements com.github.benmanes.caffeine.cache.Ticker {
  /** How stale {@link #recent()} may be: 1 ms. */
  static final long RESOLUTION = 1_000_000L;

  private static final VarHandle RECENT;

  static {
    try {
      RECENT = MethodHandles.lookup().findVarHandle(L1Clock.class, "recent", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Ticker source;

  private volatile long recent;

  L1Clock(Ticker source) {
    this.source = source;
    this.recent = source.read();
  }

  @Override
  public long read() {
    long now = source.read();
    long r = recent;
    if (now - r >= RESOLUTION) {
      raise(r, now);
    }
    return now;
  }

  private void raise(long seen, long now) {
    long r = seen;
    while (now - r > 0 && !RECENT.weakCompareAndSet(this, r, now)) {
      r = recent;
    }
  }

  /** A reading at most {@link #RESOLUTION} older than the last {@link #read()} of any thread. */
  long recent() {
    return recent;
  }
}
