package io.headroom.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.headroom.redis.RedisConnector;
import io.headroom.redis.RedisSettings;
import io.headroom.testkit.FakeTicker;
import io.headroom.testkit.fixtures.RedisFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Stops Redis in the middle of a test: each failure policy does what it says, then recovers. */
class RedisOutageIT {
  private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(300);

  @RegisterExtension static final RedisFixture redis = RedisFixture.standalone();

  private final FakeTicker ticker = new FakeTicker();
  private RedisConnector connector;

  @BeforeEach
  void connect() {
    redis.start();
    redis.flushAll();
    connector =
        RedisConnector.create(
            RedisSettings.builder()
                .uri(redis.uri())
                .commandTimeout(COMMAND_TIMEOUT)
                .reconnectDelayMax(Duration.ofMillis(200))
                .build());
  }

  @AfterEach
  void close() {
    connector.close();
    redis.start();
  }

  @ParameterizedTest
  @EnumSource(FailurePolicy.class)
  void appliesThePolicyWhileRedisIsDownAndRecoversAfter(FailurePolicy policy) {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    RateLimiter limiter =
        RateLimiter.builder("outage-" + policy.name().toLowerCase(java.util.Locale.ROOT))
            .limits(Limit.perHour(4))
            .redis(connector)
            .failurePolicy(policy)
            .localFallbackFraction(0.5)
            .ticker(ticker)
            .meterRegistry(meters)
            .build();
    assertThat(limiter.tryAcquire("k").reason()).isEqualTo(Decision.Reason.ALLOWED);

    redis.stop();
    int allowed = 0;
    for (int i = 0; i < 20; i++) {
      long t0 = System.nanoTime();
      Decision d =
          i % 2 == 0
              ? limiter.tryAcquire("k")
              : limiter.tryAcquireAsync("k").toCompletableFuture().join();
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(tookMillis)
          .as("no call waits past the command timeout")
          .isLessThanOrEqualTo(COMMAND_TIMEOUT.toMillis() + 700);
      allowed += d.allowed() ? 1 : 0;
      switch (policy) {
        case FAIL_OPEN -> assertThat(d.reason()).isEqualTo(Decision.Reason.FAILED_OPEN);
        case FAIL_CLOSED -> {
          assertThat(d.reason()).isEqualTo(Decision.Reason.UNAVAILABLE);
          assertThat(RateLimitHeaders.of(d)).containsEntry(RateLimitHeaders.RETRY_AFTER, "1");
        }
        case LOCAL_FALLBACK ->
            assertThat(d.reason()).isIn(Decision.Reason.ALLOWED, Decision.Reason.DENIED);
      }
    }
    switch (policy) {
      case FAIL_OPEN -> assertThat(allowed).isEqualTo(20);
      case FAIL_CLOSED -> assertThat(allowed).isZero();
      case LOCAL_FALLBACK -> {
        assertThat(allowed).as("half of 4 on this node").isEqualTo(2);
        assertThat(
                meters
                    .get("ratelimit.local.fallback")
                    .tag("name", limiter.name())
                    .counter()
                    .count())
            .isEqualTo(20);
      }
    }
    assertThat(
            meters
                .get("ratelimit.redis.errors")
                .tag("name", limiter.name())
                .tag("cause", "breaker_open")
                .counter()
                .count())
        .as("the breaker opened and spared Redis")
        .isPositive();

    redis.start();
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              ticker.advance(Duration.ofSeconds(5)); // past the breaker's open wait
              Decision d = limiter.tryAcquire("k");
              return d.reason() == Decision.Reason.ALLOWED
                  && !redis.keys("headroom:rl:*").isEmpty();
            });
    // the restarted server is empty: 4 per hour from scratch, minus the one just admitted
    int back = 0;
    for (int i = 0; i < 6; i++) {
      Decision d = limiter.tryAcquire("k");
      assertThat(d.degraded()).isFalse();
      back += d.allowed() ? 1 : 0;
    }
    assertThat(back).isEqualTo(3);
  }
}
