package io.headroom.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathPatternTest {

  @ParameterizedTest
  @CsvSource({
    "/metrics, /metrics, true",
    "/metrics, /metrics/, false",
    "/metrics, /Metrics, false",
    "/health**, /health, true",
    "/health**, /healthz, true",
    "/health**, /health/liveness, true",
    "/health**, /heal, false",
    "/api/**, /api, true",
    "/api/**, /api/, true",
    "/api/**, /api/v1/x, true",
    "/api/**, /apix, false",
    "/links/*, /links/abc, true",
    "/links/*, /links/abc/def, false",
    "/links/*, /links/, true",
    "/links/{code}, /links/abc, true",
    "/links/{code}, /links/, false",
    "/links/{code}/stats, /links/abc/stats, true",
    "/links/{code}/stats, /links/a/b/stats, false",
    "/a.b/*.json, /a.b/x.json, true",
    "/a.b/*.json, /aXb/x.json, false",
    "/v*/items/**, /v2/items, true",
    "/v*/items/**, /v2/items/1/2, true",
    "/v*/items/**, /v2/other, false",
  })
  void matches(String pattern, String path, boolean expected) {
    assertThat(PathPattern.compile(pattern).matches(path)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "api", "/a/{b", "/a/}b{", "/a/{{b}}"})
  void refusesBadPatternsNamingThem(String pattern) {
    assertThatThrownBy(() -> PathPattern.compile(pattern))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + pattern + "'");
  }

  @ParameterizedTest
  @CsvSource({"/metrics, true", "/a/*, false", "/a/{b}, false"})
  void knowsExactPatterns(String pattern, boolean exact) {
    assertThat(PathPattern.compile(pattern).isExact()).isEqualTo(exact);
    assertThat(PathPattern.compile(pattern).pattern()).isEqualTo(pattern);
  }
}
