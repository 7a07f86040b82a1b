package io.headroom.examples.shortener;

import static io.headroom.examples.shortener.Http.assertProblem;
import static io.headroom.examples.shortener.Http.body;
import static io.headroom.examples.shortener.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.testkit.FakeTicker;
import io.headroom.testkit.fixtures.RedisFixture;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis dies while the app runs on it: redirects keep working from L1 and the database, creation
 * follows the limiter's failure policy, and every request answers within the client's timeout
 * ({@link Http#REQUEST_TIMEOUT}, far above the 250 ms command timeout), so nothing hangs.
 */
class ShortenerRedisOutageIT {
  @RegisterExtension static final RedisFixture redis = RedisFixture.standalone();

  /** The app with the limiter's failure policy set to {@code policy}. */
  private static ShortenerApp start(Path data, String policy, FakeTicker ticker) {
    return start(data, ticker, Map.of("HEADROOM_RATELIMIT_CREATE_FAILURE_POLICY", policy));
  }

  /** The app with no failure policy set (the library's default) unless {@code extra} sets one. */
  private static ShortenerApp start(Path data, FakeTicker ticker, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("PORT", "0");
    env.put("SHORTENER_HOST", "127.0.0.1");
    env.put("SHORTENER_DATA_DIR", data.toString());
    env.put("HEADROOM_CACHE_LINKS_LOCAL_TTL", "10s");
    env.put("HEADROOM_REDIS_URL", redis.uri());
    env.put("HEADROOM_REDIS_COMMAND_TIMEOUT", "250ms");
    env.put("HEADROOM_RATELIMIT_CREATE_LIMITS", "1000/1m");
    env.put("HEADROOM_HEALTH_DRAIN_DELAY", "0s");
    // leased worker ID (no HEADROOM_IDGEN_WORKER_ID) with a short TTL: a fresh Redis waits one TTL
    env.put("HEADROOM_IDGEN_LEASE_TTL", "1s");
    env.putAll(extra);
    return ShortenerApp.builder().env(env::get).ticker(ticker).start();
  }

  @Test
  void redirectsSurviveAndCreationFailsClosed(@TempDir Path data) {
    FakeTicker ticker = new FakeTicker();
    ShortenerApp app = start(data, "fail_closed", ticker);
    try {
      Http http = new Http("http://127.0.0.1:" + app.port());
      List<String> hot = new ArrayList<>();
      Map<String, String> urls = new HashMap<>();
      for (int i = 0; i < 20; i++) {
        String url = "https://example.com/o/" + i;
        HttpResponse<String> r = http.post("/api/v1/urls", body(url), "application/json", "c");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        String code = json(r).path("code").asText();
        urls.put(code, url);
        hot.add(code);
      }
      redis.stop();
      // L1 still holds every link: redirects answer from memory
      for (String code : hot) {
        assertThat(http.get("/" + code).headers().firstValue("Location")).hasValue(urls.get(code));
      }
      // L1 entries expire: lookups skip the dead Redis and reach the database
      ticker.advance(Duration.ofSeconds(30));
      for (int round = 0; round < 3; round++) {
        for (String code : hot) {
          HttpResponse<String> go = http.get("/" + code);
          assertThat(go.statusCode()).isEqualTo(302);
          assertThat(go.headers().firstValue("Location")).hasValue(urls.get(code));
        }
      }
      // creation: FAIL_CLOSED answers 503, never 429, with a problem body
      for (int i = 0; i < 10; i++) {
        HttpResponse<String> r =
            http.post("/api/v1/urls", body("https://example.com/x"), "application/json", "c");
        assertProblem(r, 503, "limiter-unavailable");
      }
      assertThat(http.get("/health/liveness").statusCode()).isEqualTo(200);

      redis.start();
      ticker.advance(Duration.ofMinutes(2)); // past the breakers' open wait
      HttpResponse<String> back =
          org.awaitility.Awaitility.await()
              .atMost(Duration.ofSeconds(20))
              .until(
                  () -> {
                    ticker.advance(Duration.ofSeconds(5));
                    return http.post(
                        "/api/v1/urls", body("https://example.com/back"), "application/json", "c");
                  },
                  r -> r.statusCode() == 201);
      assertThat(json(back).path("url").asText()).isEqualTo("https://example.com/back");
    } finally {
      app.close();
    }
  }

  @Test
  void creationFallsBackToLocalLimitsByDefault(@TempDir Path data) {
    // no failure policy set: the default must be the local fall-back, which still limits (3 a
    // minute here, time frozen): fail-open would admit a 4th, fail-closed would answer 503.
    // A fixed worker ID: a leased one stops creation once its lease lapses (test below).
    ShortenerApp app =
        start(
            data,
            new FakeTicker(),
            Map.of("HEADROOM_IDGEN_WORKER_ID", "7", "HEADROOM_RATELIMIT_CREATE_LIMITS", "3/1m"));
    try {
      Http http = new Http("http://127.0.0.1:" + app.port());
      redis.stop();
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> r =
            http.post("/api/v1/urls", body("https://example.com/l" + i), "application/json", "c");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        String code = json(r).path("code").asText();
        assertThat(http.get("/" + code).statusCode()).isEqualTo(302);
      }
      HttpResponse<String> fourth =
          http.post("/api/v1/urls", body("https://example.com/l3"), "application/json", "c");
      assertProblem(fourth, 429, "rate-limited");
    } finally {
      app.close();
      redis.start();
    }
  }

  @Test
  void aLeasedWorkerIdStopsCreationUntilRedisIsBack(@TempDir Path data) {
    ShortenerApp app = start(data, "local_fallback", new FakeTicker());
    try {
      Http http = new Http("http://127.0.0.1:" + app.port());
      HttpResponse<String> first =
          http.post("/api/v1/urls", body("https://example.com/lease"), "application/json", "c");
      assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
      String code = json(first).path("code").asText();
      redis.stop();
      // the lease is trusted for ttl - margin (800 ms) after the last renewal, in real time
      HttpResponse<String> refused =
          org.awaitility.Awaitility.await()
              .atMost(Duration.ofSeconds(10))
              .until(
                  () ->
                      http.post(
                          "/api/v1/urls", body("https://example.com/no"), "application/json", "c"),
                  r -> r.statusCode() != 201);
      assertProblem(refused, 503, "id-unavailable");
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
      assertThat(http.get("/" + code).statusCode()).isEqualTo(302);

      redis.start();
      HttpResponse<String> back =
          org.awaitility.Awaitility.await()
              .atMost(Duration.ofSeconds(20))
              .until(
                  () ->
                      http.post(
                          "/api/v1/urls",
                          body("https://example.com/again"),
                          "application/json",
                          "c"),
                  r -> r.statusCode() == 201);
      assertThat(json(back).path("url").asText()).isEqualTo("https://example.com/again");
    } finally {
      app.close();
      if (!redis.isRunning()) {
        redis.start();
      }
    }
  }
}
