package io.headroom.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.redis.RedisConnector;
import io.headroom.redis.RedisException;
import io.headroom.redis.RedisMessageListener;
import io.headroom.redis.RedisMode;
import io.headroom.redis.RedisSettings;
import io.headroom.redis.RedisSubscription;
import io.headroom.redis.RedisTimeoutException;
import io.headroom.redis.RedisUnavailableException;
import io.headroom.testkit.FakeTicker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class RedisChecksTest {
  private final FakeTicker time = new FakeTicker();

  /** A connector whose PING answers as told; nothing else is used by the check. */
  private static final class FakeRedis implements RedisConnector {
    private final RedisSettings settings;
    private final Supplier<CompletableFuture<String>> ping;
    boolean connected = true;

    FakeRedis(Duration commandTimeout, Supplier<CompletableFuture<String>> ping) {
      this.settings =
          RedisSettings.builder()
              .uri("redis://:secret@cache:6379")
              .commandTimeout(commandTimeout)
              .build();
      this.ping = ping;
    }

    @Override
    public RedisSettings settings() {
      return settings;
    }

    @Override
    public RedisMode mode() {
      return RedisMode.STANDALONE;
    }

    @Override
    public boolean isConnected() {
      return connected;
    }

    @Override
    public CompletableFuture<String> ping() {
      return ping.get();
    }

    @Override
    public <T> T await(CompletionStage<T> stage) {
      try {
        return stage.toCompletableFuture().join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof RedisException r) {
          throw r; // as the real connector does
        }
        throw e;
      }
    }

    @Override
    public CompletableFuture<byte @Nullable []> get(String key) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<List<byte @Nullable []>> mget(List<String> keys) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Void> set(String key, byte[] value, Duration ttl) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Boolean> setIfAbsent(String key, byte[] value, Duration ttl) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Long> del(List<String> keys) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Long> incr(String key) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Long> pttl(String key) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Long> publish(String channel, byte[] message) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Instant> time() {
      throw new UnsupportedOperationException();
    }

    @Override
    public RedisSubscription subscribe(String channel, RedisMessageListener listener) {
      throw new UnsupportedOperationException();
    }

    @Override
    public <T> T unwrap(Class<T> type) {
      throw new IllegalArgumentException("fake");
    }

    @Override
    public void close() {}
  }

  @Test
  void isUpWithTheRoundTripAsLatencyMs() {
    FakeRedis redis =
        new FakeRedis(
            Duration.ofMillis(500),
            () -> {
              time.advance(437, TimeUnit.MICROSECONDS);
              return CompletableFuture.completedFuture("PONG");
            });
    assertThat(RedisChecks.check(redis, time))
        .isEqualTo(CheckResult.up().withDetail("latencyMs", 0.437));
  }

  @Test
  void isDownWithTheConnectorsMessageWhenRedisIsUnreachable() {
    FakeRedis redis =
        new FakeRedis(
            Duration.ofMillis(500),
            () ->
                CompletableFuture.failedFuture(
                    new RedisUnavailableException(
                        "PING rejected: not connected to redis://:***@cache:6379 (reconnecting)",
                        false,
                        null)));
    redis.connected = false;
    CheckResult r = RedisChecks.check(redis, time);
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.error())
        .isEqualTo("PING rejected: not connected to redis://:***@cache:6379 (reconnecting)")
        .doesNotContain("secret");
    assertThat(r.details()).containsExactlyEntriesOf(java.util.Map.of("connected", false));
  }

  @Test
  void isDownAfterACommandTimeout() {
    FakeRedis redis =
        new FakeRedis(
            Duration.ofMillis(500),
            () ->
                CompletableFuture.failedFuture(
                    new RedisTimeoutException("PING got no answer within 500 ms", null)));
    CheckResult r = RedisChecks.check(redis, time);
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.error()).isEqualTo("PING got no answer within 500 ms");
  }

  @Test
  void isDownOnAnUnexpectedReply() {
    FakeRedis redis =
        new FakeRedis(Duration.ofMillis(500), () -> CompletableFuture.completedFuture("LOADING"));
    CheckResult r = RedisChecks.check(redis, time);
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.error()).isEqualTo("unexpected reply to PING: LOADING");
  }

  @Test
  void defaultsToReadinessAsADependencyWithATimeoutAboveTheCommandTimeout() {
    FakeRedis fast =
        new FakeRedis(Duration.ofMillis(200), () -> CompletableFuture.completedFuture("PONG"));
    CheckConfig c = RedisChecks.ping(fast).build();
    assertThat(c.name()).isEqualTo("redis");
    assertThat(c.groups()).containsExactly(HealthGroup.READINESS);
    assertThat(c.dependency()).isTrue();
    assertThat(c.critical()).isTrue();
    assertThat(c.interval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(1));
    FakeRedis slow =
        new FakeRedis(Duration.ofSeconds(3), () -> CompletableFuture.completedFuture("PONG"));
    assertThat(RedisChecks.ping("cache", slow).build().timeout())
        .isEqualTo(Duration.ofMillis(3500));
    assertThatThrownBy(() -> RedisChecks.ping(fast).groups(HealthGroup.LIVENESS).build())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aHungPingIsDownAfterTheChecksTimeoutWithoutSlowingProbes() {
    CompletableFuture<String> never = new CompletableFuture<>();
    FakeRedis redis = new FakeRedis(Duration.ofMillis(500), () -> never);
    HealthRegistry health =
        HealthRegistry.builder().backgroundChecks(false).drainDelay(Duration.ZERO).build();
    try {
      health.register(RedisChecks.ping(redis).timeout(Duration.ofMillis(100)).failureThreshold(1));
      health.markStarted();
      health.refresh();
      HealthReport report = health.report(HealthGroup.READINESS);
      assertThat(report.status()).isEqualTo(Status.DOWN);
      assertThat(report.checks().get(0).error()).isEqualTo("timed out after 100 ms");
    } finally {
      never.complete("PONG");
      health.shutdown();
    }
  }
}
