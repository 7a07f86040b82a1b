package io.headroom.core;

import io.headroom.core.internal.Redaction;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A typed view over a plain key lookup, so that configuration never depends on a framework type
 * (CONVENTIONS.md rule 13).
 *
 * <pre>{@code
 * Settings s = Settings.from(System::getenv).withPrefix("HEADROOM_BREAKER_PAYMENTS_");
 * int rate = s.getInt("FAILURE_RATE", 50);          // reads HEADROOM_BREAKER_PAYMENTS_FAILURE_RATE
 * Duration wait = s.getDuration("WAIT", Duration.ofSeconds(5));   // "250ms", "5s", "PT5S"...
 * }</pre>
 *
 * <p>Every getter takes a default, used when the key is absent or blank. A present value that
 * cannot be parsed throws {@link SettingsException} naming the full key and the value (masked when
 * the key names a secret such as {@code *_PASSWORD} or {@code *_TOKEN}, and with passwords in URIs
 * masked). Instances are immutable and thread-safe if the lookup function is.
 */
public final class Settings {
  private static final Settings EMPTY = new Settings(k -> null, "");

  private final Function<String, @Nullable String> lookup;
  private final String prefix;

  private Settings(Function<String, @Nullable String> lookup, String prefix) {
    this.lookup = lookup;
    this.prefix = prefix;
  }

  /**
   * Wraps a key lookup, such as {@code System::getenv} or {@code props::getProperty}.
   *
   * @throws NullPointerException if {@code lookup} is null
   */
  public static Settings from(Function<String, @Nullable String> lookup) {
    return new Settings(Checks.notNull(lookup, "lookup"), "");
  }

  /** Settings read from the process environment. */
  public static Settings fromEnvironment() {
    return new Settings(System::getenv, "");
  }

  /**
   * Settings backed by a fixed map, handy in tests and examples.
   *
   * @throws NullPointerException if {@code values} is null
   */
  public static Settings of(Map<String, String> values) {
    Map<String, String> copy = Map.copyOf(Checks.notNull(values, "values"));
    return new Settings(copy::get, "");
  }

  /** Settings where every key is absent, so every getter returns its default. */
  public static Settings empty() {
    return EMPTY;
  }

  /**
   * Returns a view whose keys are relative to {@code prefix} (appended to any existing prefix).
   *
   * @throws NullPointerException if {@code prefix} is null
   */
  public Settings withPrefix(String prefix) {
    return new Settings(lookup, this.prefix + Checks.notNull(prefix, "prefix"));
  }

  /** The full key that {@code key} reads, prefix included; used in messages. */
  public String fullKey(String key) {
    return prefix + key;
  }

  /** The raw value, or empty if it is absent or blank. */
  public Optional<String> get(String key) {
    String v = lookup.apply(fullKey(Checks.notNull(key, "key")));
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  /** Whether {@code key} has a non-blank value. */
  public boolean contains(String key) {
    return get(key).isPresent();
  }

  /** The string value, or {@code defaultValue}. */
  public String getString(String key, String defaultValue) {
    return get(key).orElse(defaultValue);
  }

  /**
   * The string value.
   *
   * @throws SettingsException naming the key if it is absent
   */
  public String require(String key) {
    return get(key).orElseThrow(() -> new SettingsException(fullKey(key), null, "required"));
  }

  /**
   * The int value, or {@code defaultValue}.
   *
   * @throws SettingsException if the value is not an int
   */
  public int getInt(String key, int defaultValue) {
    Optional<String> v = get(key);
    if (v.isEmpty()) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(v.get());
    } catch (NumberFormatException e) {
      throw fail(key, v.get(), "expected an integer", e);
    }
  }

  /**
   * The long value, or {@code defaultValue}.
   *
   * @throws SettingsException if the value is not a long
   */
  public long getLong(String key, long defaultValue) {
    Optional<String> v = get(key);
    if (v.isEmpty()) {
      return defaultValue;
    }
    try {
      return Long.parseLong(v.get());
    } catch (NumberFormatException e) {
      throw fail(key, v.get(), "expected an integer", e);
    }
  }

  /**
   * The double value, or {@code defaultValue}.
   *
   * @throws SettingsException if the value is not a finite number
   */
  public double getDouble(String key, double defaultValue) {
    Optional<String> v = get(key);
    if (v.isEmpty()) {
      return defaultValue;
    }
    try {
      double d = Double.parseDouble(v.get());
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw fail(key, v.get(), "expected a finite number", null);
      }
      return d;
    } catch (NumberFormatException e) {
      throw fail(key, v.get(), "expected a number", e);
    }
  }

  /**
   * The boolean value ({@code true/false}, {@code yes/no}, {@code on/off}, {@code 1/0}, any case),
   * or {@code defaultValue}.
   *
   * @throws SettingsException if the value is none of those
   */
  public boolean getBoolean(String key, boolean defaultValue) {
    Optional<String> v = get(key);
    if (v.isEmpty()) {
      return defaultValue;
    }
    return switch (v.get().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw fail(key, v.get(), "expected true or false", null);
    };
  }

  /**
   * The enum constant whose name matches the value ignoring case, with {@code -} read as {@code _};
   * or {@code defaultValue}.
   *
   * @throws SettingsException listing the allowed names if none matches
   */
  public <E extends Enum<E>> E getEnum(String key, Class<E> type, E defaultValue) {
    Optional<String> v = get(key);
    if (v.isEmpty()) {
      return defaultValue;
    }
    String wanted = v.get().replace('-', '_');
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(wanted)) {
        return e;
      }
    }
    String allowed =
        Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
    throw fail(key, v.get(), "expected one of " + allowed, null);
  }

  /**
   * The URI value, or {@code defaultValue}.
   *
   * @throws SettingsException if the value is not a URI (the message masks any password)
   */
  public URI getUri(String key, URI defaultValue) {
    Optional<String> v = get(key);
    if (v.isEmpty()) {
      return defaultValue;
    }
    try {
      return new URI(v.get());
    } catch (URISyntaxException e) {
      // URISyntaxException's own message repeats the input, so it is not kept as the cause.
      throw fail(key, v.get(), "expected a URI (" + e.getReason() + ")", null);
    }
  }

  /**
   * The duration value ({@code 250ms}, {@code 5s}, {@code 10m}, {@code 1h} or ISO-8601), or {@code
   * defaultValue}.
   *
   * @throws SettingsException if the value is not a duration or is negative
   */
  public Duration getDuration(String key, Duration defaultValue) {
    Optional<String> v = get(key);
    if (v.isEmpty()) {
      return defaultValue;
    }
    Duration d;
    try {
      d = Durations.parse(v.get());
    } catch (IllegalArgumentException e) {
      throw fail(key, v.get(), "expected a duration such as 250ms, 5s, 10m, 1h or PT5S", e);
    }
    if (d.isNegative()) {
      throw fail(key, v.get(), "expected a duration >= 0", null);
    }
    return d;
  }

  /**
   * Builds the exception for a value of {@code key} that a caller found unusable, so that modules
   * validating ranges report the same way as the getters do.
   */
  public SettingsException invalid(String key, String value, String problem) {
    return fail(key, value, problem, null);
  }

  private SettingsException fail(
      String key, String value, String problem, @Nullable Throwable cause) {
    String full = fullKey(key);
    // A parse failure's own message may repeat the raw value, so a secret's cause is dropped.
    Throwable kept = Redaction.isSecretKey(full) ? null : cause;
    return new SettingsException(full, Redaction.printable(full, value), problem, kept);
  }

  @Override
  public String toString() {
    return "Settings{prefix='" + prefix + "'}";
  }
}
