package io.headroom.health;

import io.headroom.core.Checks;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A framework-neutral HTTP request, as much of it as the health endpoints read. Immutable if the
 * header lookup is.
 *
 * @param method the HTTP method, such as {@code GET}
 * @param path the request path, optionally with a query string (ignored)
 * @param header looks up a request header by name, case-insensitively; null when absent
 */
public record HealthRequest(String method, String path, Function<String, @Nullable String> header) {

  /**
   * Validates the components.
   *
   * @throws NullPointerException if a component is null
   */
  public HealthRequest {
    Checks.notNull(method, "method");
    Checks.notNull(path, "path");
    Checks.notNull(header, "header");
  }

  /** A request without headers. */
  public static HealthRequest of(String method, String path) {
    return new HealthRequest(method, path, name -> null);
  }
}
