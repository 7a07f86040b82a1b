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
}
