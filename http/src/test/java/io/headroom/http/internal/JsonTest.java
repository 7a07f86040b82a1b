package io.headroom.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class JsonTest {

  private static String str(String s) {
    return Json.string(new StringBuilder(), s).toString();
  }

  private static String val(Object v) {
    return Json.value(new StringBuilder(), v).toString();
  }

  @Test
  void escapesQuotesBackslashesAndControls() {
    assertThat(str("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
    assertThat(str("\n\r\t\b\f")).isEqualTo("\"\\n\\r\\t\\b\\f\"");
    assertThat(str("\u0000\u001f\u007f")).isEqualTo("\"\\u0000\\u001f\\u007f\"");
  }

  @Test
  void escapesHtmlAndLineSeparators() {
    assertThat(str("</script>&")).isEqualTo("\"\\u003c/script\\u003e\\u0026\"");
    assertThat(str("\u2028\u2029")).isEqualTo("\"\\u2028\\u2029\"");
  }

  @Test
  void keepsPairedSurrogatesAndReplacesLoneOnes() {
    assertThat(str("\uD83D\uDE00")).isEqualTo("\"\uD83D\uDE00\"");
    assertThat(str("a\uD83Db")).isEqualTo("\"a\\ufffdb\"");
    assertThat(str("\uDE00")).isEqualTo("\"\\ufffd\"");
    assertThat(str("é")).isEqualTo("\"é\"");
  }

  @Test
  void writesValues() {
    Map<String, @Nullable Object> m = new LinkedHashMap<>();
    m.put("n", 1);
    m.put("l", 2L);
    m.put("d", 1.5);
    m.put("b", true);
    m.put("z", null);
    m.put("big", new BigDecimal("1.10"));
    m.put("list", List.of("x", 2));
    m.put("arr", new Object[] {"y"});
    assertThat(val(m))
        .isEqualTo(
            "{\"n\":1,\"l\":2,\"d\":1.5,\"b\":true,\"z\":null,\"big\":1.10,"
                + "\"list\":[\"x\",2],\"arr\":[\"y\"]}");
    assertThat(val(Arrays.asList())).isEqualTo("[]");
  }

  @Test
  void refusesWhatIsNotJson() {
    assertThatThrownBy(() -> val(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> val(Float.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> val(Map.of(1, "x"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> val(new IllegalStateException("secret")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> val(new Object())).isInstanceOf(IllegalArgumentException.class);
  }
}
