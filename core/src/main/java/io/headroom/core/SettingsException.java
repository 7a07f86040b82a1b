package io.headroom.core;

import org.jspecify.annotations.Nullable;

/**
 * A configuration value that is missing or cannot be used. The message always names the key and the
 * offending value (masked when the key looks like a secret), for example {@code
 * "HEADROOM_BREAKER_PAYMENTS_FAILURE_RATE=abc: expected a number in [1.0, 100.0]"}.
 *
 * <p>Immutable and thread-safe.
 */
public final class SettingsException extends HeadroomException {
  private static final long serialVersionUID = 1L;

  private final String key;
  private final @Nullable String value;

  /**
   * Creates the exception.
   *
   * @param key the full key, prefix included
   * @param value the raw value as written, already masked if secret; {@code null} if absent
   * @param problem what is wrong with it, e.g. {@code "expected an integer"}
   */
  public SettingsException(String key, @Nullable String value, String problem) {
    this(key, value, problem, null);
  }

  /**
   * Creates the exception with the parse failure that caused it.
   *
   * @param key the full key, prefix included
   * @param value the raw value as written, already masked if secret; {@code null} if absent
   * @param problem what is wrong with it
   * @param cause the parse failure
   */
  public SettingsException(
      String key, @Nullable String value, String problem, @Nullable Throwable cause) {
    super(
        value == null ? key + " is not set: " + problem : key + "=" + value + ": " + problem,
        cause);
    this.key = key;
    this.value = value;
  }

  /** The full key that failed, prefix included. */
  public String key() {
    return key;
  }

  /** The value as written (masked if the key names a secret), or {@code null} if it was absent. */
  public @Nullable String value() {
    return value;
  }
}
