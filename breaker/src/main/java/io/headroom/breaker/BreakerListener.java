package io.headroom.breaker;

/**
 * Receives a breaker's rare events. Every method has a no-op default, so new events never break
 * existing listeners.
 *
 * <p>Per-call outcomes are deliberately not events (they would cost an allocation per call); read
 * them from the metrics or {@link Breaker#snapshot()} instead. Methods are called on the thread
 * whose call caused the event, while the breaker holds a lock that keeps events in order: they must
 * be quick and must not call back into the same breaker's state changes. An exception thrown by a
 * listener is logged and otherwise ignored.
 *
 * <p>Implementations must be thread-safe.
 */
public interface BreakerListener {

  /** A listener that ignores every event. */
  BreakerListener NOOP = new BreakerListener() {};

  /**
   * Called when a breaker is seen to change state, for example {@code CLOSED -> OPEN}.
   *
   * @param name the breaker's name
   * @param from the previous state
   * @param to the new state
   */
  default void onStateChange(String name, BreakerState from, BreakerState to) {}

  /**
   * Called when a breaker is opened by the absolute failure-count rule (as opposed to a rate rule
   * evaluated by the sliding window), just before the matching {@link #onStateChange}.
   *
   * @param name the breaker's name
   * @param failures the number of failures that tripped it
   * @param windowNanos the window they fell in, in nanoseconds
   */
  default void onFailureCountTrip(String name, int failures, long windowNanos) {}
}
