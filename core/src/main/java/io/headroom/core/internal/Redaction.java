package io.headroom.core.internal;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Masks secrets before they reach a {@code toString}, a log line or an exception message. Not API.
 */
public final class Redaction {
  /** What every masked secret is replaced with. */
  public static final String MASK = "***";

  // scheme://user:password@host  ->  scheme://user:***@host  (also scheme://:password@host)
  private static final Pattern USERINFO_PASSWORD =
      Pattern.compile("(?<=://)([^/@:\\s,]*):([^@\\s]*)@");
  // scheme://password@host (Redis allows a bare password as userinfo) -> scheme://***@host
  private static final Pattern USERINFO_ONLY = Pattern.compile("(?<=://)([^/@:\\s,]+)@");
  // ?password=...&  or ;password=...  (JDBC URLs)
  private static final Pattern PARAM_PASSWORD =
      Pattern.compile("(?i)((?:password|passwd|pwd|secret|token)=)([^&;\\s]*)");

  private Redaction() {}

  /**
   * Returns {@code uri} with any password in its user-info or its parameters replaced by {@code
   * ***}. Works on comma-separated lists of URIs too, and on text that is not a valid URI.
   */
  public static String maskUri(String uri) {
    String s = USERINFO_PASSWORD.matcher(uri).replaceAll("$1:" + MASK + "@");
    s = USERINFO_ONLY.matcher(s).replaceAll(MASK + "@");
    return PARAM_PASSWORD.matcher(s).replaceAll("$1" + MASK);
  }

  /** Whether a setting key names a secret whose value must never be printed. */
  public static boolean isSecretKey(String key) {
    String k = key.toUpperCase(Locale.ROOT);
    return k.contains("PASSWORD")
        || k.contains("SECRET")
        || k.contains("TOKEN")
        || k.contains("CREDENTIAL")
        || k.endsWith("_KEY");
  }

  /**
   * Returns a printable form of a setting's value: masked entirely for secret keys, URIs masked.
   */
  public static String printable(String key, String value) {
    return isSecretKey(key) ? MASK : maskUri(value);
  }
}
