package io.headroom.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.breaker.Breaker;
import io.headroom.breaker.BreakerPreset;
import io.headroom.breaker.BreakerRegistry;
import io.headroom.breaker.BreakerState;
import io.headroom.core.Settings;
import io.headroom.redis.RedisCommandException;
import io.headroom.redis.RedisConnector;
import io.headroom.redis.RedisSettings;
import io.headroom.redis.RedisTimeoutException;
import io.headroom.redis.RedisUnavailableException;
import io.headroom.testkit.FakeTicker;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The Redis engine's failure paths without a Redis: a connector whose script calls fail as told,
 * the breaker on a fake ticker, so every wait is exact.
 */
class RedisFailureTest {
  private final FakeTicker ticker = new FakeTicker();
  private final AtomicInteger scriptCalls = new AtomicInteger();

  /** A connector whose every script call fails with what {@code error} gives. */
  private RedisConnector failing(Supplier<RuntimeException> error) {
    RedisSettings settings = RedisSettings.builder().build();
    return (RedisConnector)
        Proxy.newProxyInstance(
            RedisConnector.class.getClassLoader(),
            new Class<?>[] {RedisConnector.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "settings" -> settings;
                  case "evalsha", "eval" -> {
                    scriptCalls.incrementAndGet();
                    yield CompletableFuture.failedFuture(error.get());
                  }
                  case "toString" -> "FailingRedis";
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  private static RedisUnavailableException down() {
    return new RedisUnavailableException("not connected", false, null);
  }

  @Test
  void failClosedAnswersWithTheBreakersWaitAtLeastOneSecond() {
    RedisRateLimiter limiter =
        (RedisRateLimiter)
            RateLimiter.builder("login")
                .limits(Limit.perMinute(5))
                .redis(failing(RedisFailureTest::down))
                .failurePolicy(FailurePolicy.FAIL_CLOSED)
                .ticker(ticker)
                .build();
    // closed breaker, failing calls: no wait is known, so the floor of 1 s
    Decision first = limiter.tryAcquire("k");
    assertThat(first.reason()).isEqualTo(Decision.Reason.UNAVAILABLE);
    assertThat(first.retryAfter()).isEqualTo(Duration.ofSeconds(1));
    for (int i = 0; i < 4; i++) {
      limiter.tryAcquire("k");
    }
    assertThat(limiter.breaker().state()).isEqualTo(BreakerState.OPEN); // 5 failures in 5 s
    assertThat(scriptCalls).hasValue(5);
    assertThat(limiter.tryAcquire("k").retryAfter()).isEqualTo(Duration.ofSeconds(1));
    ticker.advance(Duration.ofMillis(400)); // 600 ms left: still announced as 1 s
    assertThat(limiter.tryAcquire("k").retryAfter()).isEqualTo(Duration.ofSeconds(1));
    assertThat(scriptCalls).as("an open breaker spares Redis").hasValue(5);

    // past the wait (resilience4j lets trials through strictly after it): the 3 trial calls fail,
    // so the breaker opens again, for 2 s
    ticker.advance(Duration.ofMillis(601));
    assertThat(limiter.tryAcquire("k").retryAfter()).isEqualTo(Duration.ofSeconds(1));
    assertThat(limiter.tryAcquire("k").retryAfter()).isEqualTo(Duration.ofSeconds(1));
    assertThat(limiter.breaker().state()).isEqualTo(BreakerState.HALF_OPEN);
    assertThat(limiter.tryAcquire("k").retryAfter())
        .as("the third failed trial reopens the breaker, and its decision says so")
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(scriptCalls).hasValue(8);
    assertThat(limiter.breaker().state()).isEqualTo(BreakerState.OPEN);
    Decision reopened = limiter.tryAcquire("k");
    assertThat(reopened.retryAfter()).isEqualTo(Duration.ofSeconds(2));
    assertThat(RateLimitHeaders.of(reopened)).containsEntry(RateLimitHeaders.RETRY_AFTER, "2");
    ticker.advance(Duration.ofMillis(500));
    Decision later = limiter.tryAcquire("k");
    assertThat(later.retryAfter()).isEqualTo(Duration.ofMillis(1_500));
    assertThat(RateLimitHeaders.of(later))
        .as("rounded up, never early")
        .containsEntry(RateLimitHeaders.RETRY_AFTER, "2");
  }

  @Test
  void asyncFailClosedCarriesTheSameWait() {
    RateLimiter limiter =
        RateLimiter.builder("login")
            .limits(Limit.perMinute(5))
            .redis(failing(RedisFailureTest::down))
            .failurePolicy(FailurePolicy.FAIL_CLOSED)
            .ticker(ticker)
            .settings(Settings.of(Map.of("HEADROOM_BREAKER_RATELIMIT_LOGIN_OPEN_WAIT", "3s")))
            .build();
    for (int i = 0; i < 5; i++) {
      Decision d = limiter.tryAcquireAsync("k").toCompletableFuture().join();
      assertThat(d.reason()).isEqualTo(Decision.Reason.UNAVAILABLE);
    }
    Decision d = limiter.tryAcquireAsync("k").toCompletableFuture().join();
    assertThat(d.retryAfter()).isEqualTo(Duration.ofSeconds(3));
    assertThat(RateLimitHeaders.of(d)).containsEntry(RateLimitHeaders.RETRY_AFTER, "3");
  }

  @Test
  void errorsAreCountedByCauseAndDecisionsByResult() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    AtomicInteger n = new AtomicInteger();
    RuntimeException[] errors = {
      new RedisTimeoutException("slow", null),
      down(),
      new RedisCommandException("ERR boom", null),
      new IllegalStateException("odd")
    };
    RateLimiter limiter =
        RateLimiter.builder("api")
            .limits(Limit.perMinute(5))
            .redis(failing(() -> errors[n.getAndIncrement() % errors.length]))
            .failurePolicy(FailurePolicy.FAIL_OPEN)
            .ticker(ticker)
            .meterRegistry(meters)
            .build();
    for (int i = 0; i < 6; i++) {
      assertThat(limiter.tryAcquire("k").reason()).isEqualTo(Decision.Reason.FAILED_OPEN);
    }
    // 5 failures opened the breaker; the 6th decision never reached Redis
    assertThat(cause(meters, "timeout")).isEqualTo(2);
    assertThat(cause(meters, "unavailable")).isEqualTo(1);
    assertThat(cause(meters, "command")).isEqualTo(1);
    assertThat(cause(meters, "other")).isEqualTo(1);
    assertThat(cause(meters, "breaker_open")).isEqualTo(1);
    assertThat(RateLimiterContract.counter(meters, "api", "failed_open")).isEqualTo(6);
    assertThat(meters.get("ratelimit.redis.latency").tag("name", "api").timer().count()).isZero();
  }

  private static double cause(SimpleMeterRegistry meters, String cause) {
    return meters
        .get("ratelimit.redis.errors")
        .tag("name", "api")
        .tag("cause", cause)
        .counter()
        .count();
  }

  @Test
  void localFallbackIsCountedUnderTheLimitersName() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    RateLimiter limiter =
        RateLimiter.builder("api")
            .limits(Limit.perMinute(2))
            .redis(failing(RedisFailureTest::down))
            .ticker(ticker)
            .meterRegistry(meters)
            .build();
    assertThat(limiter.tryAcquire("k").reason()).isEqualTo(Decision.Reason.ALLOWED);
    assertThat(limiter.tryAcquire("k").reason()).isEqualTo(Decision.Reason.ALLOWED);
    assertThat(limiter.tryAcquire("k").reason()).isEqualTo(Decision.Reason.DENIED);
    assertThat(meters.get("ratelimit.local.fallback").tag("name", "api").counter().count())
        .isEqualTo(3);
  }

  @Test
  void theDefaultBreakerReadsItsSettingsAndUsesTheLimitersMeters() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    RedisRateLimiter limiter =
        (RedisRateLimiter)
            RateLimiter.builder("orders.v2")
                .limits(Limit.perMinute(5))
                .redis(failing(RedisFailureTest::down))
                .ticker(ticker)
                .meterRegistry(meters)
                .settings(
                    Settings.of(Map.of("HEADROOM_BREAKER_RATELIMIT_ORDERS_V2_FAILURE_COUNT", "2")))
                .build();
    Breaker b = limiter.breaker();
    assertThat(b.name()).isEqualTo("ratelimit-orders.v2");
    assertThat(b.preset()).isEqualTo(BreakerPreset.REDIS);
    assertThat(b.config().failureCountThreshold()).isEqualTo(2);
    assertThat(meters.find("resilience4j.circuitbreaker.state").tag("name", b.name()).meters())
        .isNotEmpty();
    limiter.tryAcquire("k");
    limiter.tryAcquire("k");
    assertThat(b.state()).as("opened by 2 failures, from the setting").isEqualTo(BreakerState.OPEN);
  }

  @Test
  void aBreakerRegistryOrAGivenBreakerIsUsed() {
    BreakerRegistry registry = BreakerRegistry.builder().ticker(ticker).build();
    RedisRateLimiter fromRegistry =
        (RedisRateLimiter)
            RateLimiter.builder("orders")
                .limits(Limit.perMinute(5))
                .redis(failing(RedisFailureTest::down))
                .breakerRegistry(registry)
                .build();
    assertThat(fromRegistry.breaker())
        .isSameAs(registry.breaker("ratelimit-orders", BreakerPreset.REDIS));
    Breaker mine = Breaker.of("mine", BreakerPreset.REDIS);
    RedisRateLimiter given =
        (RedisRateLimiter)
            RateLimiter.builder("orders")
                .limits(Limit.perMinute(5))
                .redis(failing(RedisFailureTest::down))
                .breakerRegistry(registry)
                .breaker(mine)
                .build();
    assertThat(given.breaker()).isSameAs(mine);
  }

  @Test
  void noRegistryMeansNoMeters() {
    RateLimiter limiter =
        RateLimiter.builder("quiet-" + System.identityHashCode(this))
            .limits(Limit.perMinute(5))
            .redis(failing(RedisFailureTest::down))
            .ticker(ticker)
            .build();
    limiter.tryAcquire("k");
    assertThat(Metrics.globalRegistry.find("ratelimit.decisions").meters()).isEmpty();
    assertThat(Metrics.globalRegistry.find("resilience4j.circuitbreaker.state").meters()).isEmpty();
  }
}
