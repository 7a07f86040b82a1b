package io.headroom.examples.shortener;

import static io.headroom.examples.shortener.Http.body;
import static io.headroom.examples.shortener.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.health.Lifecycle;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Data and counts survive a clean stop on the embedded H2 shards. */
class ShortenerRestartTest {

  private static ShortenerApp start(Path data) {
    Map<String, String> env =
        Map.of(
            "PORT", "0",
            "SHORTENER_HOST", "127.0.0.1",
            "SHORTENER_DATA_DIR", data.toString(),
            "HEADROOM_RATELIMIT_CREATE_LIMITS", "100000/1m",
            "HEADROOM_HEALTH_DRAIN_DELAY", "0s",
            // longer than the test: only the shutdown flush can write the counts
            "SHORTENER_COUNT_FLUSH_INTERVAL", "1h");
    return ShortenerApp.builder().env(env::get).start();
  }

  @Test
  void everyCodeRedirectsAndCountsAreIntactAfterACleanRestart(@TempDir Path data) {
    Map<String, String> urls = new LinkedHashMap<>();
    Map<String, Long> counts = new LinkedHashMap<>();
    ShortenerApp first = start(data);
    try {
      Http http = new Http("http://127.0.0.1:" + first.port());
      for (int i = 0; i < 1000; i++) {
        String url = "https://example.com/page/" + i;
        HttpResponse<String> r = http.post("/api/v1/urls", body(url), "application/json", "x");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        String code = json(r).path("code").asText();
        urls.put(code, url);
        long n = i % 4;
        for (int k = 0; k < n; k++) {
          assertThat(http.get("/" + code).statusCode()).isEqualTo(302);
        }
        counts.put(code, n);
      }
    } finally {
      first.close();
    }
    assertThat(first.health().lifecycle()).isEqualTo(Lifecycle.STOPPED);
    assertThat(urls).hasSize(1000);

    ShortenerApp second = start(data);
    try {
      Http http = new Http("http://127.0.0.1:" + second.port());
      urls.forEach(
          (code, url) -> {
            HttpResponse<String> go = http.get("/" + code);
            assertThat(go.statusCode()).as(code).isEqualTo(302);
            assertThat(go.headers().firstValue("Location")).hasValue(url);
          });
      // the redirects just made are buffered, not yet stored: the stats include them
      counts.forEach(
          (code, n) ->
              assertThat(json(http.get("/api/v1/urls/" + code)).path("accessCount").asLong())
                  .as(code)
                  .isEqualTo(n + 1));
    } finally {
      second.close();
    }
  }

  /**
   * SIGTERM to a real {@code java -jar}-like process: the shutdown hook flushes the buffered counts
   * before the embedded databases close (H2's own exit hook used to close them first, and the
   * counts were lost).
   */
  @Test
  void sigtermFlushesTheBufferedCounts(@TempDir Path data) throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName());
    pb.environment()
        .putAll(
            Map.of(
                "PORT", Integer.toString(port),
                "SHORTENER_HOST", "127.0.0.1",
                "SHORTENER_DATA_DIR", data.toString(),
                "HEADROOM_HEALTH_DRAIN_DELAY", "0s",
                "SHORTENER_COUNT_FLUSH_INTERVAL", "1h"));
    pb.redirectErrorStream(true).redirectOutput(data.resolve("app.log").toFile());
    Process p = pb.start();
    String code;
    try {
      Http http = new Http("http://127.0.0.1:" + port);
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(90))
          .ignoreExceptions()
          .until(() -> http.get("/health/readiness").statusCode() == 200);
      HttpResponse<String> r =
          http.post("/api/v1/urls", body("https://example.com/term"), "application/json", "x");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      code = json(r).path("code").asText();
      for (int i = 0; i < 3; i++) {
        assertThat(http.get("/" + code).statusCode()).isEqualTo(302);
      }
      p.destroy(); // SIGTERM
      assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    } finally {
      p.destroyForcibly();
    }
    assertThat(java.nio.file.Files.readString(data.resolve("app.log")))
        .contains("flushed 3 buffered access counts at shutdown");
    ShortenerApp again = start(data);
    try {
      Http http = new Http("http://127.0.0.1:" + again.port());
      assertThat(json(http.get("/api/v1/urls/" + code)).path("accessCount").asLong()).isEqualTo(3);
    } finally {
      again.close();
    }
  }
}
