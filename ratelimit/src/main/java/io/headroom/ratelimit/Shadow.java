package io.headroom.ratelimit;

/** Shadow mode: a denial becomes {@link Decision.Reason#SHADOW_DENIED}, a failure fails open. */
final class Shadow {
  private Shadow() {}

  static Decision apply(Decision d) {
    return switch (d.reason()) {
      case DENIED, COST_EXCEEDS_LIMIT ->
          new Decision(
              true,
              d.remaining(),
              d.limit(),
              d.resetAfter(),
              d.retryAfter(),
              d.policy(),
              Decision.Reason.SHADOW_DENIED,
              d.binding(),
              d.limits());
      case UNAVAILABLE ->
          new Decision(
              true,
              d.limit(),
              d.limit(),
              d.resetAfter(),
              java.time.Duration.ZERO,
              d.policy(),
              Decision.Reason.FAILED_OPEN,
              d.binding(),
              d.limits());
      default -> d;
    };
  }
}
