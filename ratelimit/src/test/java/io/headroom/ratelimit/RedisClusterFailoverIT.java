package io.headroom.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.headroom.redis.RedisConnector;
import io.headroom.redis.RedisSettings;
import io.headroom.testkit.FakeTicker;
import io.headroom.testkit.fixtures.RedisClusterFixture;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Kills the primary that owns a key's slot: decisions continue once Lettuce sees the new one. */
class RedisClusterFailoverIT {
  @RegisterExtension static final RedisClusterFixture cluster = RedisClusterFixture.sixNodes();

  @Test
  void decisionsContinueAfterThePrimaryOfTheKeyFails() {
    FakeTicker ticker = new FakeTicker();
    try (RedisConnector connector =
        RedisConnector.create(
            RedisSettings.builder()
                .uri(cluster.seeds())
                .commandTimeout(Duration.ofSeconds(3))
                .topologyRefresh(Duration.ofSeconds(1))
                .build())) {
      RateLimiter limiter =
          RateLimiter.builder("failover")
              .limits(Limit.of(1000, Duration.ofDays(1)))
              .redis(connector)
              .ticker(ticker)
              .failurePolicy(FailurePolicy.FAIL_CLOSED)
              .build();
      for (int i = 0; i < 10; i++) {
        assertThat(limiter.tryAcquire("user:7").reason()).isEqualTo(Decision.Reason.ALLOWED);
      }
      String key = ((RedisRateLimiter) limiter).redisKey("user:7", 0);
      assertThat(cluster.killPrimaryOf(key)).isPositive();
      cluster.awaitFailover();
      // until Lettuce has the new topology: three decisions from Redis in a row
      java.util.concurrent.atomic.AtomicInteger inARow =
          new java.util.concurrent.atomic.AtomicInteger();
      await()
          .atMost(Duration.ofSeconds(40))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                ticker.advance(Duration.ofSeconds(5)); // past the breaker's open wait
                boolean ok = limiter.tryAcquire("user:7").reason() == Decision.Reason.ALLOWED;
                return ok ? inARow.incrementAndGet() >= 3 : inARow.getAndSet(0) < 0;
              });
      // replication is asynchronous, so the promoted replica may miss the last writes (the
      // limit is briefly looser); from then on it counts every request
      long first = limiter.tryAcquire("user:7").remaining();
      long last = first;
      for (int i = 0; i < 20; i++) {
        Decision d = limiter.tryAcquire("user:7");
        assertThat(d.reason()).isEqualTo(Decision.Reason.ALLOWED);
        assertThat(d.remaining()).isLessThanOrEqualTo(last);
        last = d.remaining();
      }
      assertThat(first - last)
          .as("20 charges, at most one refill (86.4 s each)")
          .isBetween(19L, 20L);
    }
  }
}
