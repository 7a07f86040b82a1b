package io.headroom.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  private static String str(String s) {
    return Json.string(new StringBuilder(), s).toString();
  }

  private static String val(Object v) {
    return Json.value(new StringBuilder(), v).toString();
  }

  @Test
  void escapesQuotesBackslashesAndControlCharacters() {
    assertThat(str("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
    assertThat(str("\n\r\t\b\f")).isEqualTo("\"\\n\\r\\t\\b\\f\"");
    assertThat(str("\u0000\u001f\u007f")).isEqualTo("\"\\u0000\\u001f\\u007f\"");
    assertThat(str("\u2028\u2029")).isEqualTo("\"\\u2028\\u2029\"");
    assertThat(str("</script>")).isEqualTo("\"</script>\"");
  }

  @Test
  void keepsUnicodeAndEscapesLoneSurrogates() {
    assertThat(str("héllo 😀")).isEqualTo("\"héllo 😀\"");
    assertThat(str("x\ud800y")).isEqualTo("\"x\\ud800y\"");
    assertThat(str("x\udc00")).isEqualTo("\"x\\udc00\"");
  }

  @Test
  void writesNumbersAsJsonNumbers() {
    assertThat(val(0.4)).isEqualTo("0.4");
    assertThat(val(2.0)).isEqualTo("2");
    assertThat(val(1e-7)).isEqualTo("0.0000001");
    assertThat(val(Double.NaN)).isEqualTo("null");
    assertThat(val(Double.POSITIVE_INFINITY)).isEqualTo("null");
    assertThat(val(42L)).isEqualTo("42");
    assertThat(val(7)).isEqualTo("7");
    assertThat(val(1.5f)).isEqualTo("1.5");
    assertThat(val(new BigDecimal("1E+3"))).isEqualTo("1000");
    assertThat(val(true)).isEqualTo("true");
  }

  @Test
  void writesObjectsInOrder() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("b", 1);
    m.put("a\"", "x");

    assertThat(Json.object(new StringBuilder(), m).toString())
        .isEqualTo("{\"b\":1,\"a\\\"\":\"x\"}");
  }
}
