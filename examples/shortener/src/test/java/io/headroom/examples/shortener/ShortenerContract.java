package io.headroom.examples.shortener;

import static io.headroom.examples.shortener.Http.assertProblem;
import static io.headroom.examples.shortener.Http.body;
import static io.headroom.examples.shortener.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.headroom.idgen.IdLayout;
import io.headroom.idgen.ShortCodes;
import io.headroom.testkit.FakeTicker;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The end-to-end scenario, run in-process on a free port with the JDK HttpClient. Subclasses say
 * where the app's infrastructure is: embedded defaults, or real Redis and PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ShortenerContract {
  static final String SECRET = "contract-test-secret-0123456789";
  static final String JSON_TYPE = "application/json";
  static final int LIMIT = 5;

  final FakeTicker clock = new FakeTicker(Instant.parse("2030-01-01T00:00:00Z"));
  private final AtomicInteger clients = new AtomicInteger();
  @Nullable ShortenerApp app;
  @Nullable Http http;

  /** The settings the app was started with. */
  final Map<String, String> appEnv = new HashMap<>();

  /** The infrastructure settings of this run. */
  abstract Map<String, String> infrastructure();

  @BeforeAll
  void startApp() {
    Map<String, String> env = appEnv;
    env.put("PORT", "0");
    env.put("SHORTENER_HOST", "127.0.0.1");
    env.put("SHORTENER_TRUSTED_PROXIES", "127.0.0.1");
    env.put("HEADROOM_IDGEN_SHORTCODE_SECRET", SECRET);
    env.put("HEADROOM_RATELIMIT_CREATE_LIMITS", LIMIT + "/1m");
    env.put("HEADROOM_HEALTH_DRAIN_DELAY", "0s");
    env.putAll(infrastructure());
    ShortenerApp a = ShortenerApp.builder().env(env::get).clock(clock).start();
    app = a;
    http = new Http("http://127.0.0.1:" + a.port());
  }

  @AfterAll
  void stopApp() {
    if (app != null) {
      app.close();
    }
  }

  Http http() {
    assertThat(http).isNotNull();
    return java.util.Objects.requireNonNull(http);
  }

  /** A client address of its own, so that each call has a fresh creation budget. */
  String freshClient() {
    int n = clients.incrementAndGet();
    return "198.51." + (n / 250) + "." + (n % 250 + 1);
  }

  JsonNode create(String url) {
    HttpResponse<String> r = http().post("/api/v1/urls", body(url), JSON_TYPE, freshClient());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return json(r);
  }

  @Test
  void createsThenRedirects() {
    HttpResponse<String> r =
        http()
            .post(
                "/api/v1/urls",
                "{\"url\":\"https://example.com/a?q=1\",\"expiresInSeconds\":86400}",
                JSON_TYPE,
                freshClient());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    JsonNode b = json(r);
    String code = b.path("code").asText();
    assertThat(code).matches("[0-9A-Za-z]{1,11}");
    String base = java.util.Objects.requireNonNull(app).baseUrl();
    assertThat(b.path("shortUrl").asText()).isEqualTo(base + "/" + code);
    assertThat(b.path("url").asText()).isEqualTo("https://example.com/a?q=1");
    Instant created = Instant.parse(b.path("createdAt").asText());
    assertThat(created)
        .isEqualTo(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    assertThat(Instant.parse(b.path("expiresAt").asText())).isEqualTo(created.plusSeconds(86400));
    assertThat(r.headers().firstValue("Location")).hasValue(b.path("shortUrl").asText());
    assertThat(r.headers().firstValue("RateLimit-Policy")).hasValue("\"create\";q=5;w=60");
    assertThat(r.headers().firstValue("X-RateLimit-Remaining")).hasValue("4");

    HttpResponse<String> go = http().get("/" + code);
    assertThat(go.statusCode()).isEqualTo(302);
    assertThat(go.headers().firstValue("Location")).hasValue("https://example.com/a?q=1");
  }

  @Test
  void createsWithoutExpiry() {
    JsonNode b = create("http://example.org");
    assertThat(b.path("expiresAt").isNull()).isTrue();
    assertThat(http().get("/" + b.path("code").asText()).statusCode()).isEqualTo(302);
  }

  @Test
  void statsCountEveryRedirect() {
    String code = create("https://example.com/stats").path("code").asText();
    for (int i = 0; i < 7; i++) {
      assertThat(http().get("/" + code).statusCode()).isEqualTo(302);
    }
    HttpResponse<String> s = http().get("/api/v1/urls/" + code);
    assertThat(s.statusCode()).isEqualTo(200);
    assertThat(s.headers().firstValue("Content-Type")).hasValue(JSON_TYPE);
    JsonNode b = json(s);
    assertThat(b.path("accessCount").asLong()).isEqualTo(7);
    assertThat(b.path("code").asText()).isEqualTo(code);
    assertThat(b.path("url").asText()).isEqualTo("https://example.com/stats");
    assertThat(b.has("createdAt")).isTrue();
    assertThat(b.has("expiresAt")).isTrue();
    assertThat(b.path("expired").isBoolean()).isTrue();
    assertThat(b.path("expired").asBoolean()).isFalse();
  }

  @Test
  void issuedIdsCarryTheAppsWorkerId() {
    ShortCodes codes = ShortCodes.withSecret(SECRET);
    for (int i = 0; i < 3; i++) {
      long id = codes.decode(create("https://example.com/w/" + i).path("code").asText());
      assertThat(workerOf(id)).isEqualTo(java.util.Objects.requireNonNull(app).workerId());
    }
  }

  static long workerOf(long id) {
    IdLayout l = IdLayout.DEFAULT;
    return (id >>> l.sequenceBits()) & l.maxWorkerId();
  }

  @Test
  void rejectsInvalidInputWith400() {
    String longUrl = "https://example.com/" + "a".repeat(2049 - "https://example.com/".length());
    Map<String, String> cases =
        Map.ofEntries(
            Map.entry("{}", "invalid-url"),
            Map.entry("{\"url\":null}", "invalid-url"),
            Map.entry("{\"url\":42}", "invalid-url"),
            Map.entry(body("javascript:alert(1)"), "invalid-url"),
            Map.entry(body("data:text/html,<b>hi</b>"), "invalid-url"),
            Map.entry(body("ftp://example.com/f"), "invalid-url"),
            Map.entry(body("/relative/path"), "invalid-url"),
            Map.entry(body("https:///nohost"), "invalid-url"),
            Map.entry(body("https://user:pw@example.com/"), "invalid-url"),
            Map.entry(body("https://exa mple.com/"), "invalid-url"),
            Map.entry(body(longUrl), "invalid-url"),
            Map.entry("{\"url\":\"https://example.com\",\"expiresInSeconds\":0}", "invalid-expiry"),
            Map.entry(
                "{\"url\":\"https://example.com\",\"expiresInSeconds\":1.5}", "invalid-expiry"),
            Map.entry(
                "{\"url\":\"https://example.com\",\"expiresInSeconds\":\"9\"}", "invalid-expiry"),
            Map.entry("[1,2]", "invalid-request"),
            Map.entry("{\"url\":", "malformed-json"),
            Map.entry("not json", "malformed-json"));
    cases.forEach(
        (body, slug) ->
            assertProblem(http().post("/api/v1/urls", body, JSON_TYPE, freshClient()), 400, slug));
    assertThat(longUrl).hasSize(2049);
    JsonNode ok =
        create("https://example.com/" + "a".repeat(2048 - "https://example.com/".length()));
    assertThat(ok.path("url").asText()).hasSize(2048);
  }

  @Test
  void rejectsBodiesOver16KiBWith413() {
    String big = "{\"url\":\"https://example.com/\",\"pad\":\"" + "x".repeat(16 * 1024) + "\"}";
    assertProblem(
        http().post("/api/v1/urls", big, JSON_TYPE, freshClient()), 413, "body-too-large");
  }

  @Test
  void rejectsWrongContentTypeWith415() {
    for (String ct : List.of("text/plain", "application/x-www-form-urlencoded")) {
      assertProblem(
          http().post("/api/v1/urls", body("https://example.com"), ct, freshClient()),
          415,
          "unsupported-media-type");
    }
    assertProblem(
        http().post("/api/v1/urls", body("https://example.com"), null, freshClient()),
        415,
        "unsupported-media-type");
    HttpResponse<String> charset =
        http()
            .post(
                "/api/v1/urls",
                body("https://example.com"),
                "application/json; charset=utf-8",
                freshClient());
    assertThat(charset.statusCode()).isEqualTo(201);
  }

  @Test
  void unknownCodesAnswer404() {
    ShortCodes codes = ShortCodes.withSecret(SECRET);
    String neverIssued = codes.encode(123_456_789L);
    for (int i = 0; i < 2; i++) { // the second answer comes from the negative cache
      assertProblem(http().get("/" + neverIssued), 404, "not-found");
    }
    for (String impossible : List.of("0abc", "ab-cd", "a".repeat(12), "%E2%98%83")) {
      assertProblem(http().get("/" + impossible), 404, "not-found");
    }
    assertProblem(http().get("/api/v1/urls/" + neverIssued), 404, "not-found");
    assertProblem(http().get("/no/such/path"), 404, "not-found");
  }

  @Test
  void expiredCodesAnswer410() {
    HttpResponse<String> r =
        http()
            .post(
                "/api/v1/urls",
                "{\"url\":\"https://example.com/soon\",\"expiresInSeconds\":60}",
                JSON_TYPE,
                freshClient());
    String code = json(r).path("code").asText();
    assertThat(http().get("/" + code).statusCode()).isEqualTo(302);
    clock.advance(Duration.ofSeconds(61));
    assertProblem(http().get("/" + code), 410, "expired");
    // the stats of an expired link still answer, and say it expired
    HttpResponse<String> stats = http().get("/api/v1/urls/" + code);
    assertThat(stats.statusCode()).isEqualTo(200);
    assertThat(json(stats).path("expired").asBoolean()).isTrue();
    assertThat(json(stats).path("accessCount").asLong()).isEqualTo(1);
  }

  @Test
  void limitsCreationPerClientWith429() {
    String client = freshClient();
    for (int i = 0; i < LIMIT; i++) {
      HttpResponse<String> r =
          http().post("/api/v1/urls", body("https://example.com/" + i), JSON_TYPE, client);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      assertThat(r.headers().firstValue("X-RateLimit-Limit")).hasValue("5");
      assertThat(r.headers().firstValue("X-RateLimit-Remaining"))
          .hasValue(Integer.toString(LIMIT - 1 - i));
      assertThat(r.headers().firstValue("RateLimit")).isPresent();
    }
    HttpResponse<String> denied =
        http().post("/api/v1/urls", body("https://example.com/x"), JSON_TYPE, client);
    assertProblem(denied, 429, "rate-limited");
    long retryAfter = Long.parseLong(denied.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retryAfter).isBetween(1L, 60L);
    assertThat(denied.headers().firstValue("RateLimit-Policy")).hasValue("\"create\";q=5;w=60");
    assertThat(denied.headers().firstValue("RateLimit"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("\"create\";r=0;t="));
    assertThat(denied.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
    // another client is not affected
    assertThat(
            http()
                .post("/api/v1/urls", body("https://example.com/y"), JSON_TYPE, freshClient())
                .statusCode())
        .isEqualTo(201);
  }

  @Test
  void servesHealthAndMetricsOnTheSamePort() {
    for (String p :
        List.of("/health", "/health/liveness", "/health/readiness", "/health/startup")) {
      HttpResponse<String> r = http().get(p);
      assertThat(r.statusCode()).as(p + " " + r.body()).isEqualTo(200);
      assertThat(json(r).path("status").asText()).isIn("UP", "DEGRADED");
    }
    assertThat(http().get("/health/readiness").body()).contains("db-shard0", "db-shard1");
    String code = create("https://example.com/metrics").path("code").asText();
    assertThat(http().get("/" + code).statusCode()).isEqualTo(302);
    HttpResponse<String> m = http().get("/metrics");
    assertThat(m.statusCode()).isEqualTo(200);
    assertThat(m.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("text/plain"));
    assertThat(m.body())
        .contains(
            "shortener_urls_shortened_total",
            "shortener_redirects_total{result=\"found\"}",
            "shortener_access_counts_pending",
            "sharding_queries_total",
            "resilience4j_circuitbreaker_state",
            "health_status",
            "cache_puts_total",
            "ratelimit_decisions_total",
            "jvm_memory_used_bytes");
    assertMetrics(m.body());
  }

  /** Extra metric assertions of a subclass. */
  void assertMetrics(String body) {}
}
