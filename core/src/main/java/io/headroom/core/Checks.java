package io.headroom.core;

import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Preconditions whose messages name the parameter and the offending value: {@link
 * NullPointerException} for nulls, {@link IllegalArgumentException} for bad values, {@link
 * IllegalStateException} for bad state.
 *
 * <pre>{@code
 * this.permits = Checks.positive(permits, "permits");   // "permits must be > 0: -3"
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class Checks {
  private Checks() {}

  /**
   * Returns {@code value} if it is not null.
   *
   * @throws NullPointerException naming {@code name} if {@code value} is null
   */
  public static <T> T notNull(@Nullable T value, String name) {
    if (value == null) {
      throw new NullPointerException(name + " must not be null");
    }
    return value;
  }

  /**
   * Checks an argument condition.
   *
   * @param template a {@link String#format} template; conventionally {@code "name must be ...: %s"}
   * @throws IllegalArgumentException with the formatted message if {@code condition} is false
   */
  public static void argument(boolean condition, String template, @Nullable Object... args) {
    if (!condition) {
      throw new IllegalArgumentException(format(template, args));
    }
  }

  /**
   * Checks a state condition.
   *
   * @throws IllegalStateException with the formatted message if {@code condition} is false
   */
  public static void state(boolean condition, String template, @Nullable Object... args) {
    if (!condition) {
      throw new IllegalStateException(format(template, args));
    }
  }

  /**
   * Returns {@code value} if it is strictly positive.
   *
   * @throws IllegalArgumentException {@code "<name> must be > 0: <value>"}
   */
  public static long positive(long value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be > 0: " + value);
    }
    return value;
  }

  /**
   * Returns {@code value} if it is strictly positive.
   *
   * @throws IllegalArgumentException {@code "<name> must be > 0: <value>"}
   */
  public static int positive(int value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be > 0: " + value);
    }
    return value;
  }

  /**
   * Returns {@code value} if it is zero or more.
   *
   * @throws IllegalArgumentException {@code "<name> must be >= 0: <value>"}
   */
  public static long notNegative(long value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be >= 0: " + value);
    }
    return value;
  }

  /**
   * Returns {@code value} if it lies in {@code [min, max]}.
   *
   * @throws IllegalArgumentException {@code "<name> must be in [min, max]: <value>"}
   */
  public static long inRange(long value, long min, long max, String name) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "]: " + value);
    }
    return value;
  }

  /**
   * Returns {@code value} if it lies in {@code [min, max]} and is a number.
   *
   * @throws IllegalArgumentException {@code "<name> must be in [min, max]: <value>"}
   */
  public static double inRange(double value, double min, double max, String name) {
    if (!(value >= min && value <= max)) {
      throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "]: " + value);
    }
    return value;
  }

  /**
   * Returns {@code value} if it is non-null and strictly positive.
   *
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException {@code "<name> must be > 0: <value>"}
   */
  public static Duration positive(@Nullable Duration value, String name) {
    Duration d = notNull(value, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be > 0: " + d);
    }
    return d;
  }

  /**
   * Returns {@code value} if it is non-null and not negative.
   *
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException {@code "<name> must be >= 0: <value>"}
   */
  public static Duration notNegative(@Nullable Duration value, String name) {
    Duration d = notNull(value, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must be >= 0: " + d);
    }
    return d;
  }

  /**
   * Returns {@code value} if it is non-null and has a non-whitespace character.
   *
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException {@code "<name> must not be blank: '<value>'"}
   */
  public static String notBlank(@Nullable String value, String name) {
    String s = notNull(value, name);
    if (s.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank: '" + s + "'");
    }
    return s;
  }

  private static String format(String template, @Nullable Object... args) {
    return args.length == 0 ? template : String.format(Locale.ROOT, template, args);
  }
}
