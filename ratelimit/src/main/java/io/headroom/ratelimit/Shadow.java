package io.headroom.ratelimit;

/** Shadow mode: a denial becomes {@link Decision.Reason#SHADOW_DENIED}, a failure fails open. */
final class Shadow {
  private Shadow() {}

  static Decision apply(Decision d) {
    return switch (d.reason()) {
      case DENIED, COST_EXCEEDS_LIMIT ->
          Decision.create(
              Decision.Reason.SHADOW_DENIED,
              d.policy(),
              d.limits(),
              d.binding(),
              d.remaining(),
              d.resetAfter(),
              d.retryAfter());
      case UNAVAILABLE ->
          Decision.create(
              Decision.Reason.FAILED_OPEN,
              d.policy(),
              d.limits(),
              d.binding(),
              d.limit(),
              d.resetAfter(),
              java.time.Duration.ZERO);
      default -> d;
    };
  }
}
