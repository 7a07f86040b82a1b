package io.headroom.health;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Map;

/** The few JSON writing primitives the probe bodies need. Stateless and thread-safe. */
final class Json {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Json() {}

  /** Appends {@code s} as a JSON string literal, escaping everything RFC 8259 requires. */
  static StringBuilder string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
            unicode(out, c);
          } else if (Character.isHighSurrogate(c)
              && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            out.append(c).append(s.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            unicode(out, c); // a lone surrogate cannot be encoded as UTF-8; keep it as an escape
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"');
  }

  private static void unicode(StringBuilder out, char c) {
    out.append("\\u")
        .append(HEX[(c >> 12) & 0xf])
        .append(HEX[(c >> 8) & 0xf])
        .append(HEX[(c >> 4) & 0xf])
        .append(HEX[c & 0xf]);
  }

  /** Appends a String, Number or Boolean detail value. */
  static StringBuilder value(StringBuilder out, Object v) {
    if (v instanceof String s) {
      return string(out, s);
    }
    if (v instanceof Boolean b) {
      return out.append(b.booleanValue());
    }
    if (v instanceof Double || v instanceof Float) {
      return number(out, ((Number) v).doubleValue());
    }
    if (v instanceof Long
        || v instanceof Integer
        || v instanceof Short
        || v instanceof Byte
        || v instanceof BigInteger) {
      return out.append(v);
    }
    if (v instanceof BigDecimal d) {
      return out.append(d.toPlainString());
    }
    if (v instanceof Number n) {
      return number(out, n.doubleValue());
    }
    return string(out, String.valueOf(v));
  }

  /** Appends a double; NaN and infinities, which JSON cannot express, become {@code null}. */
  static StringBuilder number(StringBuilder out, double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return out.append("null");
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return out.append((long) d);
    }
    return out.append(BigDecimal.valueOf(d).stripTrailingZeros().toPlainString());
  }

  /** Appends an object of detail values. */
  static StringBuilder object(StringBuilder out, Map<String, Object> values) {
    out.append('{');
    boolean first = true;
    for (Map.Entry<String, Object> e : values.entrySet()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      string(out, e.getKey()).append(':');
      value(out, e.getValue());
    }
    return out.append('}');
  }

  /** Milliseconds with at most three decimals, for durations. */
  static double millis(long nanos) {
    return Math.round(nanos / 1_000.0) / 1_000.0;
  }

  /** The lower-case id of an enum constant, for JSON keys. */
  static String id(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }
}
