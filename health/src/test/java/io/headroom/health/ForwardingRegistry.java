package io.headroom.health;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Delegates everything; tests override single methods. */
class ForwardingRegistry implements HealthRegistry {
  private final HealthRegistry delegate;

  ForwardingRegistry(HealthRegistry delegate) {
    this.delegate = delegate;
  }

  @Override
  public HealthRegistry register(CheckConfig config) {
    return delegate.register(config);
  }

  @Override
  public HealthRegistry register(AutoCloseable resource) {
    return delegate.register(resource);
  }

  @Override
  public List<CheckConfig> checks() {
    return delegate.checks();
  }

  @Override
  public HealthReport report(HealthGroup group) {
    return delegate.report(group);
  }

  @Override
  public HealthReport report() {
    return delegate.report();
  }

  @Override
  public Lifecycle lifecycle() {
    return delegate.lifecycle();
  }

  @Override
  public void markStarted() {
    delegate.markStarted();
  }

  @Override
  public void refresh() {
    delegate.refresh();
  }

  @Override
  public InFlightTracker inFlight() {
    return delegate.inFlight();
  }

  @Override
  public CompletableFuture<Void> shutdownAsync() {
    return delegate.shutdownAsync();
  }

  @Override
  public void shutdown() {
    delegate.shutdown();
  }
}
