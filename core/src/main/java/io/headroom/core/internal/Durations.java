package io.headroom.core.internal;

import io.headroom.core.Checks;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the human duration syntax used in every headroom setting: a whole number followed by a
 * unit ({@code 250ms}, {@code 5s}, {@code 10m}, {@code 1h}, {@code 2d}, also {@code ns} and {@code
 * us}), or ISO-8601 ({@code PT0.25S}, {@code P1D}). A bare {@code 0} means zero.
 *
 * <p>Stateless and thread-safe.
 */
public final class Durations {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ns|us|ms|s|m|h|d)");

  private Durations() {}

  /**
   * Parses {@code text}.
   *
   * @throws NullPointerException if {@code text} is null
   * @throws IllegalArgumentException naming the text if it is neither form
   */
  public static Duration parse(String text) {
    Checks.notNull(text, "text");
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = SIMPLE.matcher(t);
    if (m.matches()) {
      long n;
      try {
        n = Long.parseLong(m.group(1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("duration out of range: '" + text + "'", e);
      }
      try {
        return switch (m.group(2)) {
          case "ns" -> Duration.ofNanos(n);
          case "us" -> Duration.ofNanos(Math.multiplyExact(n, 1000L));
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("duration out of range: '" + text + "'", e);
      }
    }
    if (t.startsWith("p") || t.startsWith("-p")) {
      try {
        return Duration.parse(text.trim());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "not a duration: '" + text + "' (use 250ms, 5s, 10m, 1h, 2d or ISO-8601 like PT5S)", e);
      }
    }
    throw new IllegalArgumentException(
        "not a duration: '" + text + "' (use 250ms, 5s, 10m, 1h, 2d or ISO-8601 like PT5S)");
  }
}
