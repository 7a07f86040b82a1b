package io.headroom.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A decorator as a user would write one (for tracing or metrics): every call delegates, and script
 * calls are counted. It lives outside {@code RedisConnector.create}, so it shows that {@link
 * RedisScript} runs through any connector.
 */
final class CountingConnector implements RedisConnector {
  private final RedisConnector delegate;
  final AtomicInteger evalshaCalls = new AtomicInteger();
  final AtomicInteger evalCalls = new AtomicInteger();

  CountingConnector(RedisConnector delegate) {
    this.delegate = delegate;
  }

  @Override
  public <T> CompletableFuture<T> evalsha(RedisScript<T> script, String[] keys, byte[][] args) {
    evalshaCalls.incrementAndGet();
    return delegate.evalsha(script, keys, args);
  }

  @Override
  public <T> CompletableFuture<T> eval(RedisScript<T> script, String[] keys, byte[][] args) {
    evalCalls.incrementAndGet();
    return delegate.eval(script, keys, args);
  }

  @Override
  public RedisSettings settings() {
    return delegate.settings();
  }

  @Override
  public RedisMode mode() {
    return delegate.mode();
  }

  @Override
  public boolean isConnected() {
    return delegate.isConnected();
  }

  @Override
  public CompletableFuture<byte @Nullable []> get(String key) {
    return delegate.get(key);
  }

  @Override
  public CompletableFuture<List<byte @Nullable []>> mget(List<String> keys) {
    return delegate.mget(keys);
  }

  @Override
  public CompletableFuture<Void> set(String key, byte[] value, Duration ttl) {
    return delegate.set(key, value, ttl);
  }

  @Override
  public CompletableFuture<Boolean> setIfAbsent(String key, byte[] value, Duration ttl) {
    return delegate.setIfAbsent(key, value, ttl);
  }

  @Override
  public CompletableFuture<Long> del(List<String> keys) {
    return delegate.del(keys);
  }

  @Override
  public CompletableFuture<Long> incr(String key) {
    return delegate.incr(key);
  }

  @Override
  public CompletableFuture<Long> pttl(String key) {
    return delegate.pttl(key);
  }

  @Override
  public CompletableFuture<Long> publish(String channel, byte[] message) {
    return delegate.publish(channel, message);
  }

  @Override
  public CompletableFuture<Instant> time() {
    return delegate.time();
  }

  @Override
  public CompletableFuture<String> ping() {
    return delegate.ping();
  }

  @Override
  public RedisSubscription subscribe(String channel, RedisMessageListener listener) {
    return delegate.subscribe(channel, listener);
  }

  @Override
  public <T> T await(CompletionStage<T> stage) {
    return delegate.await(stage);
  }

  @Override
  public <T> T unwrap(Class<T> type) {
    return delegate.unwrap(type);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
