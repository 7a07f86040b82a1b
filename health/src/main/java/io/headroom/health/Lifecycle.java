package io.headroom.health;

/**
 * The life of the service as probes see it: {@code STARTING -> READY -> DRAINING -> STOPPED}.
 *
 * <p>Startup and readiness answer 503 while {@link #STARTING}; readiness answers 503 ({@link
 * Status#OUT_OF_SERVICE}) from {@link #DRAINING} on; liveness ignores the lifecycle.
 */
public enum Lifecycle {
  /** Built, not yet marked started by the application. */
  STARTING,
  /** Started and serving. */
  READY,
  /** Shutting down: out of rotation, in-flight work finishing, resources about to close. */
  DRAINING,
  /** Resources closed. */
  STOPPED
}
