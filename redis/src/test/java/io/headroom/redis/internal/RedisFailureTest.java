package io.headroom.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.redis.RedisCommandException;
import io.headroom.redis.RedisTimeoutException;
import io.headroom.redis.RedisUnavailableException;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class RedisFailureTest {

  @Test
  void mapsEachRedisExceptionToItsCauseThroughWrappers() {
    assertThat(RedisFailure.of(new RedisTimeoutException("t", null)))
        .isEqualTo(RedisFailure.TIMEOUT);
    assertThat(
            RedisFailure.of(
                new CompletionException(new RedisUnavailableException("u", false, null))))
        .isEqualTo(RedisFailure.UNAVAILABLE);
    assertThat(RedisFailure.of(new ExecutionException(new RedisCommandException("ERR x", null))))
        .isEqualTo(RedisFailure.COMMAND);
    assertThat(RedisFailure.of(new IllegalStateException("x"))).isEqualTo(RedisFailure.OTHER);
    assertThat(RedisFailure.TIMEOUT.cause()).isEqualTo("timeout");
    assertThat(RedisFailure.OTHER.cause()).isEqualTo("other");
  }

  @Test
  void indexesCoverZeroToCountExactlyOnce() {
    Set<Integer> seen = new HashSet<>();
    for (RedisFailure f : RedisFailure.values()) {
      assertThat(f.index()).isBetween(0, RedisFailure.COUNT - 1);
      seen.add(f.index());
    }
    assertThat(seen).hasSize(RedisFailure.COUNT).hasSize(RedisFailure.values().length);
  }
}
