package io.headroom.core;

import io.headroom.core.internal.SuppressForbidden;

/**
 * A monotonic source of nanoseconds, injected wherever headroom measures elapsed time so that tests
 * can drive time by hand (see {@code FakeTicker} in {@code headroom-testkit}).
 *
 * <p>Values are only meaningful relative to each other, like {@link System#nanoTime()}. Wall-clock
 * time comes from {@link java.time.InstantSource} instead.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Ticker {

  /** Returns the current reading in nanoseconds; never decreases. */
  long read();

  /** Returns the ticker backed by {@link System#nanoTime()}. */
  static Ticker system() {
    return SystemTicker.INSTANCE;
  }
}

/** The one place in headroom that reads {@code System.nanoTime()}. */
enum SystemTicker implements Ticker {
  INSTANCE;

  @Override
  @SuppressForbidden("the system ticker is the sanctioned source of monotonic time")
  public long read() {
    return System.nanoTime();
  }

  @Override
  public String toString() {
    return "Ticker.system()";
  }
}
