package io.headroom.ratelimit;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A limiter without limits (the admin tier): every request is allowed, nothing is stored. */
final class UnlimitedRateLimiter implements RateLimiter {
  private final String name;
  private final Decision decision;
  private final CompletableFuture<Decision> future;

  UnlimitedRateLimiter(String name) {
    this.name = name;
    this.decision = Decision.unlimited(name);
    this.future = CompletableFuture.completedFuture(decision);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<Limit> limits() {
    return List.of();
  }

  @Override
  public Decision tryAcquire(String key, long cost) {
    Spec.checkKey(key, cost);
    return decision;
  }

  @Override
  public CompletionStage<Decision> tryAcquireAsync(String key, long cost) {
    Spec.checkKey(key, cost);
    return future.minimalCompletionStage();
  }

  @Override
  public String toString() {
    return "RateLimiter{" + name + ", unlimited}";
  }
}
