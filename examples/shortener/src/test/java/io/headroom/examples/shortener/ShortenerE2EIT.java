package io.headroom.examples.shortener;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.idgen.ShortCodes;
import io.headroom.testkit.fixtures.PostgresFixture;
import io.headroom.testkit.fixtures.RedisFixture;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
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
        "HEADROOM_REDIS_URL",
        redis.uri(),
        "HEADROOM_SHARDING_URLS",
        s0.jdbcUrl() + "|" + s0.jdbcUrl() + "," + s1.jdbcUrl(),
        "HEADROOM_SHARDING_USER",
        s0.user(),
        "HEADROOM_SHARDING_PASSWORD",
        s0.password(),
        "HEADROOM_SHARDING_MAX_CONNECTIONS",
        "9",
        // leased worker IDs: the first claim on this fresh Redis waits one TTL, so keep it short
        "HEADROOM_IDGEN_LEASE_TTL",
        "1s");
  }

  @Test
  void twoInstancesOnOneRedisLeaseDifferentWorkerIds() {
    ShortenerApp first = Objects.requireNonNull(app);
    assertThat(redis.get("{idgen:shortener}:worker:" + first.workerId())).isNotNull();
    Map<String, String> env = new HashMap<>(appEnv);
    ShortenerApp second = ShortenerApp.builder().env(env::get).clock(clock).start();
    try {
      assertThat(second.workerId()).isNotEqualTo(first.workerId());
      assertThat(redis.keys("{idgen:shortener}:worker:*"))
          .contains(
              "{idgen:shortener}:worker:" + first.workerId(),
              "{idgen:shortener}:worker:" + second.workerId());
      Http other = new Http("http://127.0.0.1:" + second.port());
      HttpResponse<String> r =
          other.post(
              "/api/v1/urls", Http.body("https://example.com/second"), JSON_TYPE, freshClient());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      String code = Http.json(r).path("code").asText();
      assertThat(workerOf(ShortCodes.withSecret(SECRET).decode(code))).isEqualTo(second.workerId());
      // the two instances share the shards: the first redirects the second's link
      assertThat(http().get("/" + code).headers().firstValue("Location"))
          .hasValue("https://example.com/second");
    } finally {
      second.close();
    }
  }

  @Override
  void assertMetrics(String body) {
    assertThat(body).contains("cache_l2_errors_total", "role=\"replica\",shard=\"shard0\"");
    assertThat(http().get("/health/readiness").body()).contains("\"redis\"");
  }
}
