package io.headroom.ratelimit;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A limiter decided in this process by {@link LocalEngine}. */
final class LocalRateLimiter implements RateLimiter {
  private final Spec spec;
  private final LocalEngine engine;
  private final boolean shadow;
  private final LimiterMeters meters;

  LocalRateLimiter(Spec spec, LocalEngine engine, boolean shadow, LimiterMeters meters) {
    this.spec = spec;
    this.engine = engine;
    this.shadow = shadow;
    this.meters = meters;
  }

  @Override
  public String name() {
    return spec.name;
  }

  @Override
  public List<Limit> limits() {
    return spec.limits;
  }

  @Override
  public Decision tryAcquire(String key, long cost) {
    Spec.checkKey(key, cost);
    Decision d = engine.decide(key, cost);
    if (shadow) {
      d = Shadow.apply(d);
    }
    meters.decision(d);
    return d;
  }

  @Override
  public CompletionStage<Decision> tryAcquireAsync(String key, long cost) {
    return CompletableFuture.completedFuture(tryAcquire(key, cost));
  }

  LocalEngine engine() {
    return engine;
  }

  @Override
  public String toString() {
    return "RateLimiter{" + spec + ", local" + (shadow ? ", shadow" : "") + "}";
  }
}
