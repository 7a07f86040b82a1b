package io.headroom.examples.shortener;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which paths the redirect filter answers itself; everything else goes on to Javalin. */
class RedirectFilterTest {

  @Test
  void takesPathsThatCanBeCodes() {
    assertThat(RedirectFilter.isCodePath("/a")).isTrue();
    assertThat(RedirectFilter.isCodePath("/1Ii3hKLwl03")).isTrue();
    assertThat(RedirectFilter.isCodePath("/ZZzz09")).isTrue();
  }

  @Test
  void leavesEverythingElseToJavalin() {
    for (String p :
        new String[] {
          "",
          "/",
          "a",
          "/health",
          "/metrics",
          "/health/readiness",
          "/api/v1/urls",
          "/ab-cd",
          "/ab/",
          "/%E2%98%83",
          "/" + "a".repeat(12),
          "/a b",
          "//a"
        }) {
      assertThat(RedirectFilter.isCodePath(p)).as(p).isFalse();
    }
  }
}
