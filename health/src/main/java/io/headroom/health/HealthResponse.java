package io.headroom.health;

import io.headroom.core.Checks;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A framework-neutral HTTP response from the health endpoints: write the status, the content type,
 * the extra headers and the body as they are. Immutable.
 *
 * @param status the HTTP status code
 * @param contentType the {@code Content-Type} header value
 * @param headers further headers ({@code Cache-Control}, {@code Allow}, {@code WWW-Authenticate})
 * @param body the body; empty for {@code HEAD}
 */
public record HealthResponse(
    int status, String contentType, Map<String, String> headers, String body) {

  /**
   * Validates and copies the components.
   *
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if {@code status} is not in [100, 599]
   */
  public HealthResponse {
    Checks.inRange(status, 100, 599, "status");
    Checks.notNull(contentType, "contentType");
    headers = Map.copyOf(Checks.notNull(headers, "headers"));
    Checks.notNull(body, "body");
  }

  /** The body encoded as UTF-8. */
  public byte[] bodyBytes() {
    return body.getBytes(StandardCharsets.UTF_8);
  }
}
