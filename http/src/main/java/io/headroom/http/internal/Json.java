package io.headroom.http.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A minimal JSON writer for the values a problem body or a health answer holds: strings, numbers,
 * booleans, null, maps with string keys and iterables or arrays of those. Strings are escaped per
 * RFC 8259, plus {@code <}, {@code >}, {@code &}, U+2028 and U+2029 (so a body pasted into HTML or
 * a script stays inert); a lone surrogate becomes U+FFFD so the UTF-8 output is always valid.
 * Thread-safe (stateless).
 */
public final class Json {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Json() {}

  /** Appends {@code s} as a quoted JSON string. */
  public static StringBuilder string(StringBuilder out, CharSequence s) {
    out.append('"');
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '<', '>', '&', '\u2028', '\u2029', '\u007f' -> unicode(out, c);
        default -> {
          if (c < 0x20) {
            unicode(out, c);
          } else if (Character.isHighSurrogate(c)) {
            if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
              out.append(c).append(s.charAt(++i));
            } else {
              unicode(out, '\ufffd');
            }
          } else if (Character.isLowSurrogate(c)) {
            unicode(out, '\ufffd');
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"');
  }

  /**
   * Appends {@code value} as JSON.
   *
   * @throws IllegalArgumentException if the value (or one nested in it) is not representable: a
   *     non-finite number, a map key that is not a string, a throwable or any other type
   */
  public static StringBuilder value(StringBuilder out, @Nullable Object value) {
    if (value == null) {
      return out.append("null");
    }
    if (value instanceof CharSequence cs) {
      return string(out, cs);
    }
    if (value instanceof Boolean b) {
      return out.append(b.booleanValue());
    }
    if (value instanceof Integer
        || value instanceof Long
        || value instanceof Short
        || value instanceof Byte
        || value instanceof BigInteger) {
      return out.append(value);
    }
    if (value instanceof BigDecimal d) {
      return out.append(d.toString());
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException("JSON has no non-finite numbers: " + d);
      }
      return out.append(value);
    }
    if (value instanceof Map<?, ?> m) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw new IllegalArgumentException("JSON object keys must be strings: " + e.getKey());
        }
        if (!first) {
          out.append(',');
        }
        first = false;
        string(out, key).append(':');
        value(out, e.getValue());
      }
      return out.append('}');
    }
    if (value instanceof Iterable<?> it) {
      out.append('[');
      boolean first = true;
      for (Object o : it) {
        if (!first) {
          out.append(',');
        }
        first = false;
        value(out, o);
      }
      return out.append(']');
    }
    if (value instanceof Object[] array) {
      return value(out, java.util.Arrays.asList(array));
    }
    if (value instanceof Throwable) {
      throw new IllegalArgumentException(
          "a throwable is never written to a client: " + value.getClass().getName());
    }
    throw new IllegalArgumentException(
        "not a JSON value (string, number, boolean, null, map, iterable, array): "
            + value.getClass().getName());
  }

  private static void unicode(StringBuilder out, char c) {
    out.append("\\u")
        .append(HEX[(c >> 12) & 0xf])
        .append(HEX[(c >> 8) & 0xf])
        .append(HEX[(c >> 4) & 0xf])
        .append(HEX[c & 0xf]);
  }
}
