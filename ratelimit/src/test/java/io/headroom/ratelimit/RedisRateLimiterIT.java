package io.headroom.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.headroom.redis.RedisConnector;
import io.headroom.redis.RedisKeys;
import io.headroom.redis.RedisSettings;
import io.headroom.testkit.FakeTicker;
import io.headroom.testkit.fixtures.RedisFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisRateLimiterIT extends RateLimiterContract {
  @RegisterExtension static final RedisFixture redis = RedisFixture.standalone();

  private static RedisConnector connector;

  @BeforeAll
  static void connect() {
    redis.start();
    redis.flushAll();
    // generous timeout: CI machines share two cores; the outage tests use a short one
    connector =
        RedisConnector.create(
            RedisSettings.builder().uri(redis.uri()).commandTimeout(Duration.ofSeconds(5)).build());
  }

  @AfterAll
  static void close() {
    connector.close();
  }

  @Override
  RateLimiter.Builder builder(String name) {
    // a fake ticker for the breaker: a loaded machine's slow calls must not open it here
    return RateLimiter.builder(name)
        .redis(connector)
        .ticker(new FakeTicker())
        .failurePolicy(FailurePolicy.FAIL_CLOSED);
  }

  static Decision awaitOnRealTime(RateLimiter limiter, String key, Duration retryAfter) {
    AtomicReference<Decision> last = new AtomicReference<>();
    await()
        .atMost(retryAfter.plusSeconds(3))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              Decision d = limiter.tryAcquire(key);
              last.set(d);
              return d.allowed();
            });
    return java.util.Objects.requireNonNull(last.get());
  }

  @Override
  Decision awaitAllowed(RateLimiter limiter, String key, Duration retryAfter) {
    return awaitOnRealTime(limiter, key, retryAfter);
  }

  @Test
  void everyKeyHasATtlWithinItsWindowAndAllShareOneSlot() {
    RateLimiter limiter = builder("ttl").limits(Limit.perMinute(10), Limit.perHour(100)).build();
    limiter.tryAcquire("user:42", 3);
    List<String> keys = redis.keys("headroom:rl:{ttl:user:42}:*");
    assertThat(keys).hasSize(2);
    assertThat(keys.stream().map(RedisKeys::slot).distinct()).hasSize(1);
    for (String k : keys) {
      long pttl = redis.pttl(k);
      // the key lives exactly until its bucket is full again: 3 emission intervals
      if (k.endsWith("10p60000000us")) {
        assertThat(pttl).isBetween(1L, 18_000L);
      } else {
        assertThat(pttl).isBetween(1L, 108_000L);
      }
    }
  }

  @Test
  void deniedRequestsWriteNothing() {
    RateLimiter limiter = builder("nowrite").limits(Limit.perHour(1)).build();
    limiter.tryAcquire("k");
    String key = ((RedisRateLimiter) limiter).redisKey("k", 0);
    String before = redis.get(key);
    assertThat(limiter.tryAcquire("k").allowed()).isFalse();
    assertThat(redis.get(key)).isEqualTo(before);
  }

  @Test
  void noScriptAfterScriptFlushIsInvisible() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    RateLimiter limiter =
        builder("noscript").limits(Limit.perHour(3)).meterRegistry(meters).build();
    assertThat(limiter.tryAcquire("k").reason()).isEqualTo(Decision.Reason.ALLOWED);
    redis.scriptFlush();
    Decision d = limiter.tryAcquire("k");
    assertThat(d.reason()).isEqualTo(Decision.Reason.ALLOWED);
    assertThat(d.remaining()).isEqualTo(1);
    assertThat(meters.get("ratelimit.redis.errors").counters())
        .hasSize(5)
        .allSatisfy(c -> assertThat(c.count()).isZero());
    assertThat(meters.get("ratelimit.redis.latency").tag("name", "noscript").timer().count())
        .as("both decisions came from Redis")
        .isEqualTo(2);
  }

  @Test
  void microsecondPrecisionSurvivesLuaDoubles() {
    // 7 per hour: 514285715 us per permit; the stored TAT must be a whole number of microseconds
    RateLimiter limiter = builder("precision").limits(Limit.of(7, Duration.ofHours(1))).build();
    limiter.tryAcquire("k");
    String tat = redis.get(((RedisRateLimiter) limiter).redisKey("k", 0));
    assertThat(tat).matches("\\d{16,}");
  }
}
