package io.headroom.core;

import io.headroom.core.internal.Durations;
import io.headroom.core.internal.Redaction;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A typed view over a plain key lookup, so that configuration never depends on a framework type.
 * This is the one settings contract of every headroom module, and the one the Spring Boot starter
 * binds {@code headroom.*} properties onto.
 *
 * <pre>{@code
 * Settings env = Settings.fromEnvironment();
 * Settings s = env.forComponent("breaker", "payments");   // HEADROOM_BREAKER_PAYMENTS_*
 * int rate = s.getInt("FAILURE_RATE", 50);          // reads HEADROOM_BREAKER_PAYMENTS_FAILURE_RATE
 * Duration wait = s.getDuration("WAIT", Duration.ofSeconds(5));   // "250ms", "5s", "PT5S"...
 * s.override("WINDOW_SIZE", Settings.POSITIVE_INT, builder::windowSize);  // only when set
 * }</pre>
 *
 * <h2>Keys</h2>
 *
 * Every key is {@code HEADROOM_<MODULE>_<NAME>_<PROPERTY>} for a named component (a cache, a
 * limiter, a breaker) or {@code HEADROOM_<MODULE>_<PROPERTY>} for a module-wide setting; see {@link
 * #componentPrefix(String, String)}. Component names follow one rule in every module ({@link
 * #checkName(String)}).
 *
 * <h2>Values</h2>
 *
 * Every getter takes a default, used when the key is absent or blank. A present value that cannot
 * be parsed throws {@link SettingsException} naming the full key and the value (masked when the key
 * names a secret such as {@code *_PASSWORD} or {@code *_TOKEN}, and with passwords in URIs masked).
 * Instances are immutable and thread-safe if the lookup function is.
 */
public final class Settings {
  private static final Logger LOG = LoggerFactory.getLogger(Settings.class);
  private static final Settings EMPTY = new Settings(k -> null, "");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final Pattern MODULE = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,31}");
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  /**
   * Parses one raw value. A value it cannot use is an {@link IllegalArgumentException} whose
   * message says what was expected ({@code "expected an integer"}); {@link Settings} turns it into
   * a {@link SettingsException} that names the key and the value.
   *
   * @param <T> the parsed type
   */
  @FunctionalInterface
  public interface Parser<T> {
    /**
     * Parses {@code value}, already trimmed and never blank.
     *
     * @throws IllegalArgumentException saying what was expected if the value is unusable
     */
    T parse(String value);
  }

  /** Any non-blank string, trimmed. */
  public static final Parser<String> STRING = v -> v;

  /** An {@code int}. */
  public static final Parser<Integer> INT =
      v -> {
        try {
          return Integer.parseInt(v);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("expected an integer", e);
        }
      };

  /** An {@code int} greater than zero. */
  public static final Parser<Integer> POSITIVE_INT =
      v -> {
        int i = INT.parse(v);
        if (i <= 0) {
          throw new IllegalArgumentException("expected an integer > 0");
        }
        return i;
      };

  /** A {@code long}. */
  public static final Parser<Long> LONG =
      v -> {
        try {
          return Long.parseLong(v);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("expected an integer", e);
        }
      };

  /** A finite {@code double}. */
  public static final Parser<Double> DOUBLE =
      v -> {
        double d;
        try {
          d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("expected a number", e);
        }
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          throw new IllegalArgumentException("expected a finite number");
        }
        return d;
      };

  /** {@code true/false}, {@code yes/no}, {@code on/off} or {@code 1/0}, any case. */
  public static final Parser<Boolean> BOOLEAN =
      v ->
          switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("expected true or false");
          };

  /**
   * A duration >= 0: {@code 250ms}, {@code 5s}, {@code 10m}, {@code 1h}, {@code 2d} or ISO-8601.
   */
  public static final Parser<Duration> DURATION =
      v -> {
        Duration d;
        try {
          d = Durations.parse(v);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "expected a duration such as 250ms, 5s, 10m, 1h or PT5S", e);
        }
        if (d.isNegative()) {
          throw new IllegalArgumentException("expected a duration >= 0");
        }
        return d;
      };

  /** A duration greater than zero, in the syntax of {@link #DURATION}. */
  public static final Parser<Duration> POSITIVE_DURATION =
      v -> {
        Duration d = DURATION.parse(v);
        if (d.isZero()) {
          throw new IllegalArgumentException("expected a duration > 0");
        }
        return d;
      };

  /** A URI (the message of a bad one never repeats the value). */
  public static final Parser<URI> URI_VALUE =
      v -> {
        try {
          return new URI(v);
        } catch (URISyntaxException e) {
          // URISyntaxException's own message repeats the input, so it is not kept as the cause.
          throw new IllegalArgumentException("expected a URI (" + e.getReason() + ")");
        }
      };

  /**
   * The constant of {@code type} whose name matches the value ignoring case, with {@code -} read as
   * {@code _}.
   *
   * @throws NullPointerException if {@code type} is null
   */
  public static <E extends Enum<E>> Parser<E> enumOf(Class<E> type) {
    Checks.notNull(type, "type");
    return v -> {
      String wanted = v.replace('-', '_');
      for (E e : type.getEnumConstants()) {
        if (e.name().equalsIgnoreCase(wanted)) {
          return e;
        }
      }
      String allowed =
          Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
      throw new IllegalArgumentException("expected one of " + allowed);
    };
  }

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
   * Checks a component name (of a cache, a limiter, a breaker, a shard, a check...) against the one
   * rule every module uses: 1 to 64 characters from {@code [A-Za-z0-9_.-]}. Such a name is safe in
   * a Redis key, a meter tag and, upper-cased, in a settings key.
   *
   * @return {@code name}
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException naming the value if it breaks the rule
   */
  public static String checkName(String name) {
    Checks.notNull(name, "name");
    Checks.argument(
        NAME.matcher(name).matches(),
        "name must be 1 to 64 characters from [A-Za-z0-9_.-]: '%s'",
        name);
    return name;
  }

  /**
   * The key prefix of module-wide settings: {@code HEADROOM_<MODULE>_}, e.g. {@code
   * HEADROOM_REDIS_} for {@code "redis"}.
   *
   * @throws IllegalArgumentException if {@code module} is not a letter followed by letters and
   *     digits
   */
  public static String modulePrefix(String module) {
    Checks.notNull(module, "module");
    Checks.argument(MODULE.matcher(module).matches(), "module must be alphanumeric: '%s'", module);
    return "HEADROOM_" + module.toUpperCase(Locale.ROOT) + "_";
  }

  /**
   * The key prefix of a named component's settings: {@code HEADROOM_<MODULE>_<NAME>_}, with the
   * name upper-cased and every character other than a letter or a digit written as {@code _}. For
   * example the cache {@code "user-profiles"} reads {@code HEADROOM_CACHE_USER_PROFILES_*}.
   *
   * @throws IllegalArgumentException if {@code module} or {@code name} breaks its rule ({@link
   *     #checkName(String)})
   */
  public static String componentPrefix(String module, String name) {
    String upper = checkName(name).toUpperCase(Locale.ROOT);
    StringBuilder sb = new StringBuilder(modulePrefix(module));
    for (int i = 0; i < upper.length(); i++) {
      char c = upper.charAt(i);
      sb.append((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c : '_');
    }
    return sb.append('_').toString();
  }

  /**
   * The view of a module's settings: keys relative to {@link #modulePrefix(String)}.
   *
   * @throws IllegalArgumentException if {@code module} is not alphanumeric
   */
  public Settings forModule(String module) {
    return withPrefix(modulePrefix(module));
  }

  /**
   * The view of one named component's settings: keys relative to {@link #componentPrefix(String,
   * String)}.
   *
   * @throws IllegalArgumentException if {@code module} or {@code name} breaks its rule
   */
  public Settings forComponent(String module, String name) {
    return withPrefix(componentPrefix(module, name));
  }

  /**
   * A view where the full key {@code newKey} falls back to {@code oldKey} when it is not set, for a
   * key that was renamed: the old name keeps working for one release, and the first read of it logs
   * one deprecation warning naming the new key. When both are set, the new key wins and the old one
   * is reported as ignored. Both keys are full keys (prefix included).
   *
   * @throws NullPointerException if an argument is null
   */
  public Settings withRenamedKey(String oldKey, String newKey) {
    Checks.notBlank(oldKey, "oldKey");
    Checks.notBlank(newKey, "newKey");
    Function<String, @Nullable String> base = lookup;
    Function<String, @Nullable String> renamed =
        k -> {
          if (!k.equals(newKey)) {
            return base.apply(k);
          }
          String v = base.apply(newKey);
          String old = base.apply(oldKey);
          if (old == null || old.isBlank()) {
            return v;
          }
          boolean newSet = v != null && !v.isBlank();
          if (WARNED.add(oldKey + "->" + newKey)) {
            if (newSet) {
              LOG.warn("Setting {} is deprecated and ignored because {} is set", oldKey, newKey);
            } else {
              LOG.warn(
                  "Setting {} is deprecated: rename it to {} (the old name will be removed)",
                  oldKey,
                  newKey);
            }
          }
          return newSet ? v : old;
        };
    return new Settings(renamed, prefix);
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
    return get(key, INT, defaultValue);
  }

  /**
   * The int value, or {@code defaultValue}; the value must be greater than zero.
   *
   * @throws SettingsException if the value is not an int > 0
   */
  public int getPositiveInt(String key, int defaultValue) {
    return get(key, POSITIVE_INT, defaultValue);
  }

  /**
   * The long value, or {@code defaultValue}.
   *
   * @throws SettingsException if the value is not a long
   */
  public long getLong(String key, long defaultValue) {
    return get(key, LONG, defaultValue);
  }

  /**
   * The double value, or {@code defaultValue}.
   *
   * @throws SettingsException if the value is not a finite number
   */
  public double getDouble(String key, double defaultValue) {
    return get(key, DOUBLE, defaultValue);
  }

  /**
   * The boolean value ({@code true/false}, {@code yes/no}, {@code on/off}, {@code 1/0}, any case),
   * or {@code defaultValue}.
   *
   * @throws SettingsException if the value is none of those
   */
  public boolean getBoolean(String key, boolean defaultValue) {
    return get(key, BOOLEAN, defaultValue);
  }

  /**
   * The enum constant whose name matches the value ignoring case, with {@code -} read as {@code _};
   * or {@code defaultValue}.
   *
   * @throws SettingsException listing the allowed names if none matches
   */
  public <E extends Enum<E>> E getEnum(String key, Class<E> type, E defaultValue) {
    return get(key, enumOf(type), defaultValue);
  }

  /**
   * The URI value, or {@code defaultValue}.
   *
   * @throws SettingsException if the value is not a URI (the message masks any password)
   */
  public URI getUri(String key, URI defaultValue) {
    return get(key, URI_VALUE, defaultValue);
  }

  /**
   * The duration value ({@code 250ms}, {@code 5s}, {@code 10m}, {@code 1h} or ISO-8601), or {@code
   * defaultValue}.
   *
   * @throws SettingsException if the value is not a duration or is negative
   */
  public Duration getDuration(String key, Duration defaultValue) {
    return get(key, DURATION, defaultValue);
  }

  /**
   * The duration value, or {@code defaultValue}; the value must be greater than zero.
   *
   * @throws SettingsException if the value is not a duration > 0
   */
  public Duration getPositiveDuration(String key, Duration defaultValue) {
    return get(key, POSITIVE_DURATION, defaultValue);
  }

  /**
   * The value parsed by {@code parser}, or {@code defaultValue} when the key is absent or blank.
   *
   * @throws SettingsException naming the key and the value if the parser rejects it
   */
  public <T> T get(String key, Parser<? extends T> parser, T defaultValue) {
    Checks.notNull(parser, "parser");
    Optional<String> v = get(key);
    return v.isEmpty() ? defaultValue : parse(key, v.get(), parser);
  }

  /**
   * Applies a present value to a builder: when {@code key} is set, parses it and passes it to
   * {@code setter}; does nothing when it is absent. A value that the parser or the setter rejects
   * with an {@link IllegalArgumentException} (the builder's own range check) becomes a {@link
   * SettingsException} naming the key and the value, with the setter's message as the problem.
   *
   * <pre>{@code
   * s.override("WINDOW_SIZE", Settings.INT, builder::windowSize);
   * }</pre>
   *
   * @return whether the key was set
   * @throws SettingsException if the value cannot be parsed or the setter rejects it
   */
  public <T> boolean override(String key, Parser<? extends T> parser, Consumer<? super T> setter) {
    Checks.notNull(parser, "parser");
    Checks.notNull(setter, "setter");
    Optional<String> v = get(key);
    if (v.isEmpty()) {
      return false;
    }
    T parsed = parse(key, v.get(), parser);
    try {
      setter.accept(parsed);
    } catch (IllegalArgumentException e) {
      throw rejected(key, v.get(), e);
    }
    return true;
  }

  /**
   * Runs {@code apply} (which applies values already read from this view to a builder) and turns an
   * {@link IllegalArgumentException} it throws into a {@link SettingsException} naming {@code key}
   * and its value. For settings that feed one setter with several keys.
   *
   * @throws SettingsException if {@code apply} rejects the value
   */
  public void apply(String key, Runnable apply) {
    Checks.notNull(apply, "apply");
    try {
      apply.run();
    } catch (IllegalArgumentException e) {
      throw rejected(key, getString(key, ""), e);
    }
  }

  private <T> T parse(String key, String value, Parser<? extends T> parser) {
    try {
      return parser.parse(value);
    } catch (IllegalArgumentException e) {
      throw fail(key, value, String.valueOf(e.getMessage()), e.getCause());
    }
  }

  /** A setter's message may repeat the value, so a secret's gets a neutral one. */
  private SettingsException rejected(String key, String value, IllegalArgumentException e) {
    if (Redaction.isSecretKey(fullKey(key))) {
      return fail(key, value, "rejected", null);
    }
    return fail(key, value, String.valueOf(e.getMessage()), e);
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
