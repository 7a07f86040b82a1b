package io.headroom.health;

import java.util.Locale;

/** The three Kubernetes probe groups a check can belong to. */
public enum HealthGroup {
  /**
   * Is the process alive? Failing makes Kubernetes restart the container, so only checks of the
   * process itself (deadlocks, heap exhaustion) belong here, never dependencies.
   */
  LIVENESS,
  /** Can this instance take traffic now? Failing removes it from load balancing, nothing more. */
  READINESS,
  /** Has the application finished starting? Kubernetes holds the other probes until it passes. */
  STARTUP;

  /** The lower-case name used in URLs, JSON and metric tags, such as {@code "readiness"}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
