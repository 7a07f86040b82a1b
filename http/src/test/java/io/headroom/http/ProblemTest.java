package io.headroom.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProblemTest {

  @Test
  void defaultsToAboutBlankWithTheReasonPhrase() {
    Problem p = Problem.of(404);
    assertThat(p.type()).isEqualTo(URI.create("about:blank"));
    assertThat(p.title()).isEqualTo("Not Found");
    assertThat(p.detail()).isEmpty();
    assertThat(p.instance()).isEmpty();
    assertThat(p.toJson())
        .isEqualTo("{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404}");
  }

  @Test
  void writesAllMembersInOrderWithExtensions() {
    Problem p =
        Problem.builder(429)
            .type("https://example.com/problems/rate-limited")
            .title("Too Many Requests")
            .detail("5 per minute")
            .instance("/links?x=1")
            .extension("retryAfterSeconds", 12)
            .extension("limits", List.of(Map.of("window", "1m")))
            .build();
    assertThat(p.toJson())
        .isEqualTo(
            "{\"type\":\"https://example.com/problems/rate-limited\",\"title\":\"Too Many"
                + " Requests\",\"status\":429,\"detail\":\"5 per minute\",\"instance\":\"/links?x=1\","
                + "\"retryAfterSeconds\":12,\"limits\":[{\"window\":\"1m\"}]}");
    assertThat(p.extensions()).containsOnlyKeys("retryAfterSeconds", "limits");
    assertThat(p.toBuilder().build()).isEqualTo(p);
  }

  @Test
  void escapesEveryStringMember() {
    Problem p =
        Problem.builder(400)
            .title("bad \"quote\"")
            .detail("line\nbreak </script> \u0001")
            .extension("field", "a\\b")
            .build();
    assertThat(p.toJson())
        .contains("\"title\":\"bad \\\"quote\\\"\"")
        .contains("\"detail\":\"line\\nbreak \\u003c/script\\u003e \\u0001\"")
        .contains("\"field\":\"a\\\\b\"");
  }

  @Test
  void snapshotsExtensionValuesWhenAdded() {
    List<String> errors = new ArrayList<>(List.of("a"));
    Problem p = Problem.builder(422).extension("errors", errors).build();
    errors.add("b");
    assertThat(p.toJson()).endsWith("\"errors\":[\"a\"]}");
  }

  @Test
  void neverCarriesAThrowable() {
    assertThatThrownBy(
            () ->
                Problem.builder(500)
                    .extension("cause", new IllegalStateException("db password=hunter2")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(
            () -> Problem.builder(500).extension("causes", List.of(new RuntimeException("nested"))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Problem.internalError().toJson())
        .isEqualTo(
            "{\"type\":\"about:blank\",\"title\":\"Internal Server Error\",\"status\":500,"
                + "\"detail\":\"An unexpected error occurred.\"}");
  }

  @Test
  void refusesBadArguments() {
    assertThatThrownBy(() -> Problem.of(200))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("status")
        .hasMessageContaining("200");
    assertThatThrownBy(() -> Problem.builder(400).extension("status", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("status");
    assertThatThrownBy(() -> Problem.builder(400).extension("1abc", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1abc");
    assertThatThrownBy(() -> Problem.builder(400).type("not a uri"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("type");
    assertThatThrownBy(() -> Problem.builder(400).extension("nan", Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void writesItselfWithTheProblemMediaTypeKeepingHeaders() throws Exception {
    Fakes.Response res = new Fakes.Response();
    res.proxy.setHeader("Retry-After", "3");
    res.proxy.getOutputStream().write("partial".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Problem p = Problem.of(429, "slow down é");
    assertThat(p.writeTo(res.proxy)).isTrue();
    assertThat(res.status).isEqualTo(429);
    assertThat(res.contentType).isEqualTo("application/problem+json");
    assertThat(res.bodyText()).isEqualTo(p.toJson());
    assertThat(res.contentLength).isEqualTo(p.toJsonBytes().length);
    assertThat(res.headers).containsEntry("Retry-After", List.of("3"));
  }

  @Test
  void doesNothingOnACommittedResponse() throws Exception {
    Fakes.Response res = new Fakes.Response();
    res.committed = true;
    assertThat(Problem.of(503).writeTo(res.proxy)).isFalse();
    assertThat(res.status).isEqualTo(200);
    assertThat(res.bodyText()).isEmpty();
  }

  @Test
  void namesReasonPhrases() {
    assertThat(Problem.reasonPhrase(503)).isEqualTo("Service Unavailable");
    assertThat(Problem.reasonPhrase(499)).isEqualTo("Client Error");
    assertThat(Problem.reasonPhrase(599)).isEqualTo("Server Error");
  }
}
