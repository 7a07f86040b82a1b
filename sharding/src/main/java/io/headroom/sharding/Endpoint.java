package io.headroom.sharding;

import io.headroom.core.Checks;
import io.headroom.core.internal.Redaction;
import org.jspecify.annotations.Nullable;

/**
 * Where one database lives: a JDBC URL and optional credentials. {@link #toString()} masks the
 * password, in the fields and inside the URL.
 *
 * @param jdbcUrl the JDBC URL, e.g. {@code jdbc:postgresql://db1:5432/app}
 * @param username the user, or null to rely on the URL or the driver's default
 * @param password the password, or null
 */
public record Endpoint(String jdbcUrl, @Nullable String username, @Nullable String password) {

  /**
   * Validates the endpoint.
   *
   * @throws NullPointerException if {@code jdbcUrl} is null
   * @throws IllegalArgumentException if {@code jdbcUrl} is blank or does not start with {@code
   *     jdbc:} (the message masks any password)
   */
  public Endpoint {
    Checks.notNull(jdbcUrl, "jdbcUrl");
    jdbcUrl = jdbcUrl.trim();
    if (!jdbcUrl.startsWith("jdbc:") || jdbcUrl.length() <= "jdbc:".length()) {
      throw new IllegalArgumentException(
          "jdbcUrl must start with jdbc: : '" + Redaction.maskUri(jdbcUrl) + "'");
    }
  }

  /**
   * An endpoint with no separate credentials.
   *
   * @throws IllegalArgumentException if the URL is not a JDBC URL
   */
  public static Endpoint of(String jdbcUrl) {
    return new Endpoint(jdbcUrl, null, null);
  }

  /** The URL with any password masked, for messages and logs. */
  public String maskedUrl() {
    return Redaction.maskUri(jdbcUrl);
  }

  @Override
  public String toString() {
    return "Endpoint{"
        + maskedUrl()
        + (username == null ? "" : ", user=" + username)
        + (password == null ? "" : ", password=" + Redaction.MASK)
        + "}";
  }
}
