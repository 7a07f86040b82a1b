package io.headroom.examples.shortener;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.testkit.PostgresFixture;
import io.headroom.testkit.RedisFixture;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The same end-to-end scenario against real infrastructure: Redis (L2 cache and distributed limits)
 * and two PostgreSQL shards; shard0 also lists a replica (here a second pool on the same database,
 * standing in for a streaming replica) so reads take the replica path.
 */
class ShortenerE2EIT extends ShortenerContract {
  @RegisterExtension static final RedisFixture redis = RedisFixture.standalone();
  @RegisterExtension static final PostgresFixture pg = PostgresFixture.create();

  @Override
  Map<String, String> infrastructure() {
    PostgresFixture.Database s0 = pg.database();
    PostgresFixture.Database s1 = pg.newDatabase();
    return Map.of(
        "HEADROOM_REDIS_URL", redis.uri(),
        "HEADROOM_SHARDS", s0.jdbcUrl() + "|" + s0.jdbcUrl() + "," + s1.jdbcUrl(),
        "HEADROOM_SHARDS_USER", s0.user(),
        "HEADROOM_SHARDS_PASSWORD", s0.password(),
        "HEADROOM_SHARDS_MAX_CONNECTIONS", "9");
  }

  @Override
  void assertMetrics(String body) {
    assertThat(body).contains("cache_l2_errors_total", "role=\"replica\",shard=\"shard0\"");
    assertThat(http().get("/health/readiness").body()).contains("\"redis\"");
  }
}
