package io.headroom.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A real server on port 0, called with the JDK HttpClient. */
class HealthHttpServerTest {
  private static final String TOKEN = "http-test-token-0123456789";

  private final PrometheusMeterRegistry prometheus = HealthMetrics.prometheusRegistry();
  private final HealthRegistry health =
      HealthRegistry.builder()
          .meterRegistry(prometheus)
          .backgroundChecks(false)
          .drainDelay(Duration.ZERO)
          .build();
  private final HealthHttpServer server =
      HealthHttpServer.start(
          HealthEndpoints.builder(health).token(TOKEN).prometheus(prometheus).build(),
          new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void tearDown() {
    server.close();
    health.shutdown();
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(
        request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  private URI uri(String path) {
    return URI.create("http://" + server.address().getHostString() + ":" + server.port() + path);
  }

  private void registerAndStart() {
    health.register(
        CheckConfig.builder("deadlocks", () -> CheckResult.up().withDetail("deadlockedThreads", 0))
            .groups(HealthGroup.LIVENESS));
    health.register(
        CheckConfig.builder("redis", () -> CheckResult.up().withDetail("latencyMs", 0.4)));
    health.refresh();
    health.markStarted();
  }

  @Test
  void everyProbeEndpointAnswersWithStatusAndBody() throws Exception {
    registerAndStart();
    String live =
        "{\"status\":\"UP\",\"checks\":[{\"name\":\"deadlocks\",\"status\":\"UP\","
            + "\"data\":{\"deadlockedThreads\":0}}]}";
    String ready =
        "{\"status\":\"UP\",\"checks\":[{\"name\":\"redis\",\"status\":\"UP\","
            + "\"data\":{\"latencyMs\":0.4}}]}";
    String started = "{\"status\":\"UP\",\"checks\":[]}";

    for (String path : new String[] {"/health/liveness", "/health/live"}) {
      HttpResponse<String> r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(r.body()).as(path).isEqualTo(live);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
    }
    for (String path : new String[] {"/health/readiness", "/health/ready"}) {
      assertThat(get(path).body()).as(path).isEqualTo(ready);
    }
    for (String path : new String[] {"/health/startup", "/health/started"}) {
      assertThat(get(path).body()).as(path).isEqualTo(started);
    }
    HttpResponse<String> all = get("/health");
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(all.body()).startsWith("{\"status\":\"UP\",\"checks\":[{\"name\":\"deadlocks\"");
  }

  @Test
  void readinessIs503WhileStartingAndWhenACheckFails() throws Exception {
    health.register(CheckConfig.builder("db", () -> CheckResult.down("refused")));
    health.refresh();

    assertThat(get("/health/startup").statusCode()).isEqualTo(503);
    health.markStarted();
    assertThat(get("/health/startup").statusCode()).isEqualTo(200);
    HttpResponse<String> ready = get("/health/readiness");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body())
        .isEqualTo("{\"status\":\"DOWN\",\"checks\":[{\"name\":\"db\",\"status\":\"DOWN\"}]}");
    assertThat(get("/health/liveness").statusCode()).isEqualTo(200);
  }

  @Test
  void detailedNeedsTheToken() throws Exception {
    registerAndStart();

    HttpResponse<String> without = get("/health/detailed");
    HttpResponse<String> wrong =
        send(
            HttpRequest.newBuilder(uri("/health/detailed"))
                .header("Authorization", "Bearer not-the-token-0123456789"));
    HttpResponse<String> with =
        send(
            HttpRequest.newBuilder(uri("/health/detailed"))
                .header("Authorization", "Bearer " + TOKEN));

    assertThat(without.statusCode()).isEqualTo(401);
    assertThat(without.body()).isEqualTo("{\"error\":\"unauthorized\"}");
    assertThat(without.headers().firstValue("WWW-Authenticate"))
        .hasValue("Bearer realm=\"headroom-health\"");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).doesNotContain("redis");
    assertThat(with.statusCode()).isEqualTo(200);
    assertThat(with.body())
        .startsWith("{\"status\":\"UP\",\"lifecycle\":\"READY\",\"groups\":{\"liveness\":")
        .contains("\"name\":\"redis\",\"status\":\"UP\",\"critical\":true,\"durationMs\":");
  }

  @Test
  void metricsArePrometheusText() throws Exception {
    registerAndStart();
    health.register(HealthMetrics.bindJvmMetrics(prometheus));

    HttpResponse<String> r = get("/metrics");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(r.body())
        .contains("# TYPE health_status gauge")
        .contains("health_status{group=\"readiness\"} 1.0")
        .contains("health_check_duration_seconds_count{name=\"redis\"} 1")
        .contains("jvm_memory_used_bytes")
        .contains("process_uptime_seconds")
        .contains("jvm_gc_");
  }

  @Test
  void malformedRequestsGet4xxWithoutStackTraces() throws Exception {
    HttpResponse<String> notFound = get("/admin");
    HttpResponse<String> post =
        send(HttpRequest.newBuilder(uri("/health")).POST(HttpRequest.BodyPublishers.ofString("x")));
    HttpResponse<String> hugeHeader =
        send(HttpRequest.newBuilder(uri("/health")).header("X-Big", "a".repeat(10_000)));
    HttpResponse<String> longPath = get("/health/" + "a".repeat(3000));
    HttpResponse<String> head =
        send(
            HttpRequest.newBuilder(uri("/health/liveness"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));

    assertThat(notFound.statusCode()).isEqualTo(404);
    assertThat(notFound.body()).isEqualTo("{\"error\":\"not found\"}");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    assertThat(hugeHeader.statusCode()).isEqualTo(431);
    assertThat(longPath.statusCode()).isEqualTo(414);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    for (HttpResponse<String> r : java.util.List.of(notFound, post, hugeHeader, longPath)) {
      assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }
  }

  @Test
  void garbageOnTheSocketDoesNotKillTheServer() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      out.write("NOT HTTP AT ALL\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      // the whole answer up to the server's close: an HTTP error, never a reset or a hang (the JDK
      // server reads method "NOT" and path "HTTP", which no context serves: 404, then it closes)
      String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(answer).startsWith("HTTP/1.1 404 Not Found\r\n").doesNotContain("Exception");
    }

    assertThat(get("/health/liveness").statusCode()).isEqualTo(200);
  }
}
