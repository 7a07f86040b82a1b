package io.headroom.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.redis.RedisConnector;
import io.headroom.redis.RedisKeys;
import io.headroom.redis.RedisSettings;
import io.headroom.testkit.FakeTicker;
import io.headroom.testkit.fixtures.RedisClusterFixture;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract on a 6-node Redis Cluster: multi-limit scripts never see CROSSSLOT. */
class RedisClusterRateLimiterIT extends RateLimiterContract {
  @RegisterExtension static final RedisClusterFixture cluster = RedisClusterFixture.sixNodes();

  private static RedisConnector connector;

  @BeforeAll
  static void connect() {
    connector =
        RedisConnector.create(
            RedisSettings.builder()
                .uri(cluster.seeds())
                .commandTimeout(Duration.ofSeconds(5))
                .build());
  }

  @AfterAll
  static void close() {
    connector.close();
  }

  @Override
  RateLimiter.Builder builder(String name) {
    return RateLimiter.builder(name)
        .redis(connector)
        .ticker(new FakeTicker())
        .failurePolicy(FailurePolicy.FAIL_CLOSED);
  }

  @Override
  Decision awaitAllowed(RateLimiter limiter, String key, Duration retryAfter) {
    return RedisRateLimiterIT.awaitOnRealTime(limiter, key, retryAfter);
  }

  @Test
  void keysOfManySubjectsSpreadOverSlotsButEachSubjectStaysInOne() {
    RateLimiter limiter = builder("spread").limits(Limit.perMinute(10), Limit.perHour(100)).build();
    RedisRateLimiter r = (RedisRateLimiter) limiter;
    java.util.Set<Integer> slots = new java.util.HashSet<>();
    for (int i = 0; i < 50; i++) {
      String k = "user:" + i;
      assertThat(limiter.tryAcquire(k).reason()).isEqualTo(Decision.Reason.ALLOWED);
      assertThat(RedisKeys.slot(r.redisKey(k, 0))).isEqualTo(RedisKeys.slot(r.redisKey(k, 1)));
      slots.add(RedisKeys.slot(r.redisKey(k, 0)));
    }
    assertThat(slots.size()).isGreaterThan(10);
  }
}
