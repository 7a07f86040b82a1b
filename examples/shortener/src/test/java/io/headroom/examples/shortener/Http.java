package io.headroom.examples.shortener;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** A small JDK HttpClient wrapper that never follows redirects and bounds every request. */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();

  /** Longer than any Redis command timeout or pool timeout the tests configure: no hang passes. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

  private final HttpClient client =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final String base;

  Http(String base) {
    this.base = base;
  }

  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  HttpResponse<String> post(String path, String body, @Nullable String contentType, String client) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("X-Forwarded-For", client);
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return send(b);
  }

  HttpResponse<String> send(HttpRequest.Builder b) {
    try {
      return client.send(b.timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(HttpResponse<String> r) {
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Asserts a problem+json answer with every RFC 9457 member, and returns its body. */
  static JsonNode assertProblem(HttpResponse<String> r, int status, String slug) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
    JsonNode p = json(r);
    assertThat(p.path("type").asText()).isEqualTo(ProblemException.TYPE_PREFIX + slug);
    assertThat(p.path("title").asText()).isNotBlank();
    assertThat(p.path("status").asInt()).isEqualTo(status);
    assertThat(p.path("detail").asText()).isNotBlank();
    return p;
  }

  static String body(String url) {
    return "{\"url\":" + JSON.valueToTree(url) + "}";
  }
}
