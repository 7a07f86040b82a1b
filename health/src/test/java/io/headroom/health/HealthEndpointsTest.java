package io.headroom.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.Settings;
import io.headroom.core.SettingsException;
import io.headroom.testkit.FakeTicker;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Golden JSON for every probe shape, plus routing and authorization. */
class HealthEndpointsTest {
  private static final String TOKEN = "s3cret-token-0123456789";

  private final FakeTicker time = new FakeTicker();
  private final PrometheusMeterRegistry prometheus = HealthMetrics.prometheusRegistry();
  private final HealthRegistry health =
      HealthRegistry.builder()
          .ticker(time)
          .clock(time)
          .meterRegistry(prometheus)
          .backgroundChecks(false)
          .drainDelay(Duration.ZERO)
          .build();
  private final HealthEndpoints endpoints =
      HealthEndpoints.builder(health).token(TOKEN).prometheus(prometheus).build();

  @BeforeEach
  void registerChecks() {
    health.register(
        CheckConfig.builder("deadlocks", () -> CheckResult.up().withDetail("deadlockedThreads", 0))
            .groups(HealthGroup.LIVENESS));
    health.register(
        CheckConfig.builder("redis", () -> CheckResult.up().withDetail("latencyMs", 0.4))
            .dependency(true));
    health.register(
        CheckConfig.builder("search", () -> CheckResult.down("connect \"timed out\"\n"))
            .critical(false));
    health.register(CheckConfig.builder("migrations", CheckResult::up).groups(HealthGroup.STARTUP));
    health.refresh();
  }

  @AfterEach
  void tearDown() {
    health.shutdown();
  }

  private HealthResponse get(String path) {
    return endpoints.handle("GET", path, name -> null);
  }

  private HealthResponse get(String path, String authorization) {
    return endpoints.handle(
        "GET", path, name -> name.equalsIgnoreCase("Authorization") ? authorization : null);
  }

  @Test
  void liveness() {
    HealthResponse r = get("/health/liveness");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentType()).isEqualTo("application/json");
    assertThat(r.headers()).containsEntry("Cache-Control", "no-store");
    assertThat(r.body())
        .isEqualTo(
            """
            {"status":"UP","checks":[{"name":"deadlocks","status":"UP","data":{"deadlockedThreads":0}}]}""");
    assertThat(get("/health/live")).isEqualTo(r);
  }

  @Test
  void readinessWhileStartingIsDown() {
    HealthResponse r = get("/health/readiness");

    assertThat(r.status()).isEqualTo(503);
    assertThat(r.body())
        .isEqualTo(
            """
            {"status":"DOWN","checks":[{"name":"redis","status":"UP","data":{"latencyMs":0.4}},\
            {"name":"search","status":"DOWN"}]}""");
  }

  @Test
  void readinessWhenStartedIsDegradedByTheNonCriticalCheck() {
    health.markStarted();

    HealthResponse r = get("/health/readiness");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body())
        .isEqualTo(
            """
            {"status":"DEGRADED","checks":[{"name":"redis","status":"UP","data":{"latencyMs":0.4}},\
            {"name":"search","status":"DOWN"}]}""");
    assertThat(get("/health/ready")).isEqualTo(r);
  }

  @Test
  void startupBeforeAndAfterMarkStarted() {
    HealthResponse before = get("/health/startup");
    health.markStarted();
    HealthResponse after = get("/health/started");

    assertThat(before.status()).isEqualTo(503);
    assertThat(before.body())
        .isEqualTo(
            "{\"status\":\"DOWN\",\"checks\":[{\"name\":\"migrations\",\"status\":\"UP\"}]}");
    assertThat(after.status()).isEqualTo(200);
    assertThat(after.body())
        .isEqualTo("{\"status\":\"UP\",\"checks\":[{\"name\":\"migrations\",\"status\":\"UP\"}]}");
  }

  @Test
  void healthCombinesEveryGroup() {
    health.markStarted();

    HealthResponse r = get("/health");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body())
        .isEqualTo(
            """
            {"status":"DEGRADED","checks":[\
            {"name":"deadlocks","status":"UP","data":{"deadlockedThreads":0}},\
            {"name":"redis","status":"UP","data":{"latencyMs":0.4}},\
            {"name":"search","status":"DOWN"},\
            {"name":"migrations","status":"UP"}]}""");
  }

  @Test
  void drainingReadinessIsOutOfService() {
    health.markStarted();
    health.shutdown();

    HealthResponse r = get("/health/readiness");

    assertThat(r.status()).isEqualTo(503);
    assertThat(r.body()).startsWith("{\"status\":\"OUT_OF_SERVICE\",");
    assertThat(get("/health/liveness").status()).isEqualTo(200);
  }

  @Test
  void detailedWithTokenShowsTheTree() {
    health.markStarted();
    time.advance(Duration.ofSeconds(2));

    HealthResponse r = get("/health/detailed", "Bearer " + TOKEN);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body())
        .isEqualTo(
            """
            {"status":"DEGRADED","lifecycle":"READY","groups":{\
            "liveness":{"status":"UP","checks":[{"name":"deadlocks","status":"UP","critical":true,\
            "durationMs":0,"lastChecked":"2024-01-01T00:00:00Z","streak":1,\
            "details":{"deadlockedThreads":0}}]},\
            "readiness":{"status":"DEGRADED","checks":[{"name":"redis","status":"UP","critical":true,\
            "durationMs":0,"lastChecked":"2024-01-01T00:00:00Z","streak":1,\
            "details":{"latencyMs":0.4}},\
            {"name":"search","status":"DOWN","critical":false,"durationMs":0,\
            "lastChecked":"2024-01-01T00:00:00Z","streak":1,\
            "error":"connect \\"timed out\\"\\n","details":{}}]},\
            "startup":{"status":"UP","checks":[{"name":"migrations","status":"UP","critical":true,\
            "durationMs":0,"lastChecked":"2024-01-01T00:00:00Z","streak":1,"details":{}}]}}}""");
  }

  @Test
  void detailedWithoutOrWithWrongTokenIsUnauthorizedAndLeaksNothing() {
    health.markStarted();
    for (@Nullable String auth :
        new String[] {
          null, "", "Bearer", "Bearer ", "Bearer wrong-token-0123456789", "Basic " + TOKEN, TOKEN
        }) {
      HealthResponse r = get("/health/detailed", auth);

      assertThat(r.status()).as("%s", auth).isEqualTo(401);
      assertThat(r.body()).isEqualTo("{\"error\":\"unauthorized\"}");
      assertThat(r.headers()).containsEntry("WWW-Authenticate", "Bearer realm=\"headroom-health\"");
    }
    assertThat(get("/health/detailed", "bearer  " + TOKEN).status()).isEqualTo(200);
  }

  @Test
  void detailedWithoutConfiguredTokenIsAlwaysUnauthorized() {
    HealthEndpoints open = HealthEndpoints.builder(health).build();

    HealthResponse r = open.handle("GET", "/health/detailed", name -> "Bearer " + TOKEN);

    assertThat(r.status()).isEqualTo(401);
  }

  @Test
  void unknownPathIs404AndWrongMethodIs405() {
    assertThat(get("/nope").status()).isEqualTo(404);
    assertThat(get("/health/nope").body()).isEqualTo("{\"error\":\"not found\"}");
    assertThat(get("/healthz").status()).isEqualTo(404);

    HealthResponse post = endpoints.handle("POST", "/health/readiness", name -> null);
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.headers()).containsEntry("Allow", "GET, HEAD");
    assertThat(endpoints.handle("DELETE", "/metrics", name -> null).status()).isEqualTo(405);
  }

  @Test
  void headAnswersTheStatusWithoutABody() {
    HealthResponse r = endpoints.handle("HEAD", "/health/liveness", name -> null);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEmpty();
  }

  @Test
  void queryStringAndTrailingSlashAreIgnored() {
    assertThat(get("/health/liveness/?verbose=true").status()).isEqualTo(200);
  }

  @Test
  void metricsWithoutPrometheusIs404() {
    HealthEndpoints noMetrics = HealthEndpoints.builder(health).build();

    assertThat(noMetrics.handle("GET", "/metrics", name -> null).status()).isEqualTo(404);
  }

  @Test
  void metricsExposeHealthMeters() {
    health.markStarted();

    HealthResponse r = get("/metrics");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    assertThat(r.body())
        .contains("health_status{group=\"liveness\"} 1.0")
        .contains("health_status{group=\"readiness\"} 0.5")
        .contains("health_check_status{name=\"search\"} 0.0")
        .contains("health_check_duration_seconds_count{name=\"redis\"} 1");
  }

  @Test
  void aFailingRegistryAnswers500WithoutAStackTrace() {
    HealthRegistry broken =
        new ForwardingRegistry(health) {
          @Override
          public HealthReport report(HealthGroup group) {
            throw new IllegalStateException("boom at com.example.Secret");
          }
        };
    HealthEndpoints e = HealthEndpoints.builder(broken).build();

    HealthResponse r = e.handle("GET", "/health/readiness", name -> null);

    assertThat(r.status()).isEqualTo(500);
    assertThat(r.body()).isEqualTo("{\"error\":\"internal error\"}");
  }

  @Test
  void tokenMustBeLongEnough() {
    assertThatThrownBy(() -> HealthEndpoints.builder(health).token("short"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("token must have at least 16 characters");
    assertThatThrownBy(
            () ->
                HealthEndpoints.builder(health)
                    .settings(Settings.of(Map.of("HEADROOM_HEALTH_TOKEN", "short")))
                    .build())
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("HEADROOM_HEALTH_TOKEN")
        .hasMessageNotContaining("short");
    HealthEndpoints fromSettings =
        HealthEndpoints.builder(health)
            .settings(Settings.of(Map.of("HEADROOM_HEALTH_TOKEN", TOKEN)))
            .build();
    assertThat(fromSettings.handle("GET", "/health/detailed", name -> "Bearer " + TOKEN).status())
        .isIn(200, 503);
  }

  @Test
  void theTokenSettingWinsOverTheCodesInAnyOrder() {
    String codeToken = "a-token-set-in-code-0001";
    HealthEndpoints e =
        HealthEndpoints.builder(health)
            .settings(Settings.of(Map.of("HEADROOM_HEALTH_TOKEN", TOKEN)))
            .token(codeToken)
            .build();
    assertThat(e.handle("GET", "/health/detailed", name -> "Bearer " + TOKEN).status())
        .isIn(200, 503);
    assertThat(e.handle("GET", "/health/detailed", name -> "Bearer " + codeToken).status())
        .isEqualTo(401);
    HealthEndpoints kept =
        HealthEndpoints.builder(health).settings(Settings.empty()).token(codeToken).build();
    assertThat(kept.handle("GET", "/health/detailed", name -> "Bearer " + codeToken).status())
        .isIn(200, 503);
  }
}
