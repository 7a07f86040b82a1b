package io.headroom.health;

import io.headroom.core.Checks;
import io.headroom.core.Settings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health and metrics endpoints as plain functions, so any framework can mount them:
 *
 * <pre>{@code
 * HealthEndpoints endpoints = HealthEndpoints.builder(health)
 *     .settings(Settings.fromEnvironment())     // HEADROOM_HEALTH_TOKEN
 *     .prometheus(prometheusRegistry)
 *     .build();
 * // Javalin:
 * app.get("/health/*", ctx -> {
 *   HealthResponse r = endpoints.handle(ctx.method().name(), ctx.path(), ctx::header);
 *   ctx.status(r.status()).contentType(r.contentType()).result(r.body());
 *   r.headers().forEach(ctx::header);
 * });
 * }</pre>
 *
 * <p>Routes: {@code GET /health}, {@code /health/liveness}, {@code /health/readiness}, {@code
 * /health/startup}, the MicroProfile aliases {@code /health/live}, {@code /health/ready}, {@code
 * /health/started}, the token-protected {@code /health/detailed}, and {@code /metrics}. Probe
 * bodies have the MicroProfile Health shape; 200 for {@link Status#UP} and {@link Status#DEGRADED},
 * 503 otherwise. An unknown path answers 404, a method other than GET or HEAD 405, and an internal
 * failure 500; no response ever carries a stack trace. Thread-safe.
 */
public final class HealthEndpoints {
  private static final Logger log = LoggerFactory.getLogger(HealthEndpoints.class);

  /** The content type of probe bodies. */
  public static final String JSON = "application/json";

  /** The content type of {@code /metrics}: the Prometheus text exposition format 0.0.4. */
  public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private static final Map<String, String> NO_STORE = Map.of("Cache-Control", "no-store");
  private static final String ALLOW = "GET, HEAD";

  private enum Route {
    ALL,
    LIVENESS,
    READINESS,
    STARTUP,
    DETAILED,
    METRICS
  }

  private static final Map<String, Route> ROUTES =
      Map.ofEntries(
          Map.entry("/health", Route.ALL),
          Map.entry("/health/liveness", Route.LIVENESS),
          Map.entry("/health/live", Route.LIVENESS),
          Map.entry("/health/readiness", Route.READINESS),
          Map.entry("/health/ready", Route.READINESS),
          Map.entry("/health/startup", Route.STARTUP),
          Map.entry("/health/started", Route.STARTUP),
          Map.entry("/health/detailed", Route.DETAILED),
          Map.entry("/metrics", Route.METRICS));

  private final HealthRegistry registry;
  private final byte @Nullable [] tokenDigest;
  private final @Nullable PrometheusMeterRegistry prometheus;

  private HealthEndpoints(Builder b, @Nullable String token) {
    this.registry = b.registry;
    this.tokenDigest = token == null ? null : sha256(token);
    this.prometheus = b.prometheus;
  }

  /**
   * Starts building the endpoints of {@code registry}.
   *
   * @throws NullPointerException if {@code registry} is null
   */
  public static Builder builder(HealthRegistry registry) {
    return new Builder(registry);
  }

  /** The registry these endpoints report on. */
  public HealthRegistry registry() {
    return registry;
  }

  /**
   * Answers one request.
   *
   * @throws NullPointerException if an argument is null
   */
  public HealthResponse handle(
      String method, String path, Function<String, @Nullable String> header) {
    return handle(new HealthRequest(method, path, header));
  }

  /**
   * Answers one request. Never throws for any request; an internal failure answers 500.
   *
   * @throws NullPointerException if {@code request} is null
   */
  public HealthResponse handle(HealthRequest request) {
    Checks.notNull(request, "request");
    Route route = ROUTES.get(normalize(request.path()));
    if (route == null || (route == Route.METRICS && prometheus == null)) {
      return error(404, "not found", Map.of());
    }
    String method = request.method();
    boolean head = method.equals("HEAD");
    if (!head && !method.equals("GET")) {
      return error(405, "method not allowed", Map.of("Allow", ALLOW));
    }
    try {
      HealthResponse full = route(route, request);
      return head
          ? new HealthResponse(full.status(), full.contentType(), full.headers(), "")
          : full;
    } catch (RuntimeException e) {
      log.warn("health endpoint {} failed", route, e);
      return error(500, "internal error", Map.of());
    }
  }

  private HealthResponse route(Route route, HealthRequest request) {
    return switch (route) {
      case ALL -> probe(registry.report());
      case LIVENESS -> probe(registry.report(HealthGroup.LIVENESS));
      case READINESS -> probe(registry.report(HealthGroup.READINESS));
      case STARTUP -> probe(registry.report(HealthGroup.STARTUP));
      case DETAILED -> detailed(request);
      case METRICS -> metrics();
    };
  }

  private static String normalize(String path) {
    int q = path.indexOf('?');
    String p = q >= 0 ? path.substring(0, q) : path;
    int h = p.indexOf('#');
    p = h >= 0 ? p.substring(0, h) : p;
    if (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  private static HealthResponse probe(HealthReport report) {
    return new HealthResponse(report.status().httpStatus(), JSON, NO_STORE, probeJson(report));
  }

  /** The MicroProfile Health body of a report. */
  static String probeJson(HealthReport report) {
    StringBuilder out = new StringBuilder(64 + 64 * report.checks().size());
    out.append("{\"status\":\"").append(report.status()).append("\",\"checks\":[");
    List<CheckState> checks = report.checks();
    for (int i = 0; i < checks.size(); i++) {
      CheckState c = checks.get(i);
      if (i > 0) {
        out.append(',');
      }
      out.append("{\"name\":");
      Json.string(out, c.name()).append(",\"status\":\"").append(c.status()).append('"');
      if (!c.details().isEmpty()) {
        out.append(",\"data\":");
        Json.object(out, c.details());
      }
      out.append('}');
    }
    return out.append("]}").toString();
  }

  private HealthResponse detailed(HealthRequest request) {
    if (!authorized(request.header().apply("Authorization"))) {
      return error(
          401, "unauthorized", Map.of("WWW-Authenticate", "Bearer realm=\"headroom-health\""));
    }
    HealthReport all = registry.report();
    return new HealthResponse(
        all.status().httpStatus(), JSON, NO_STORE, detailedJson(registry, all));
  }

  /** The detailed tree: overall status, lifecycle, then each group with its checks in full. */
  static String detailedJson(HealthRegistry registry, HealthReport all) {
    StringBuilder out = new StringBuilder(512);
    out.append("{\"status\":\"")
        .append(all.status())
        .append("\",\"lifecycle\":\"")
        .append(all.lifecycle())
        .append("\",\"groups\":{");
    HealthGroup[] groups = HealthGroup.values();
    for (int g = 0; g < groups.length; g++) {
      HealthReport report = registry.report(groups[g]);
      if (g > 0) {
        out.append(',');
      }
      out.append('"')
          .append(groups[g].id())
          .append("\":{\"status\":\"")
          .append(report.status())
          .append("\",\"checks\":[");
      List<CheckState> checks = report.checks();
      for (int i = 0; i < checks.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        detailedCheck(out, checks.get(i));
      }
      out.append("]}");
    }
    return out.append("}}").toString();
  }

  private static void detailedCheck(StringBuilder out, CheckState c) {
    out.append("{\"name\":");
    Json.string(out, c.name())
        .append(",\"status\":\"")
        .append(c.status())
        .append("\",\"critical\":")
        .append(c.critical())
        .append(",\"durationMs\":");
    Json.number(out, Json.millis(c.duration().toNanos())).append(",\"lastChecked\":");
    Instant at = c.lastChecked();
    if (at == null) {
      out.append("null");
    } else {
      Json.string(out, at.toString());
    }
    out.append(",\"streak\":").append(c.streak());
    String error = c.error();
    if (error != null) {
      out.append(",\"error\":");
      Json.string(out, error);
    }
    out.append(",\"details\":");
    Json.object(out, c.details()).append('}');
  }

  private boolean authorized(@Nullable String authorization) {
    byte[] expected = tokenDigest;
    if (expected == null || authorization == null) {
      return false;
    }
    String a = authorization.trim();
    if (a.length() < 7 || !a.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      return false;
    }
    // Comparing fixed-length digests in constant time leaks neither the content nor the length.
    return MessageDigest.isEqual(expected, sha256(a.substring(7).trim()));
  }

  private HealthResponse metrics() {
    PrometheusMeterRegistry p = Checks.notNull(prometheus, "prometheus");
    return new HealthResponse(200, PROMETHEUS_TEXT, NO_STORE, p.scrape());
  }

  private static HealthResponse error(int status, String message, Map<String, String> extra) {
    Map<String, String> headers = new HashMap<>(extra);
    headers.put("Cache-Control", "no-store");
    StringBuilder body = new StringBuilder("{\"error\":");
    Json.string(body, message).append('}');
    return new HealthResponse(status, JSON, headers, body.toString());
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  @Override
  public String toString() {
    return "HealthEndpoints{detailed="
        + (tokenDigest != null ? "token" : "disabled")
        + ", metrics="
        + (prometheus != null)
        + "}";
  }

  /** Builds {@link HealthEndpoints}. Not thread-safe. */
  public static final class Builder {
    private final HealthRegistry registry;
    private @Nullable String token;
    private @Nullable PrometheusMeterRegistry prometheus;
    private @Nullable Settings settings;

    private Builder(HealthRegistry registry) {
      this.registry = Checks.notNull(registry, "registry");
    }

    /**
     * Sets the bearer token that opens {@code /health/detailed}. Without one, that endpoint always
     * answers 401.
     *
     * @throws NullPointerException if {@code token} is null
     * @throws IllegalArgumentException if {@code token} has fewer than 16 characters or spaces
     */
    public Builder token(String token) {
      Checks.notNull(token, "token");
      // The value itself never goes into the message: it is a secret.
      Checks.argument(token.length() >= 16, "token must have at least 16 characters");
      Checks.argument(
          token.strip().equals(token) && token.indexOf(' ') < 0, "token must not contain spaces");
      this.token = token;
      return this;
    }

    /**
     * Serves {@code /metrics} from {@code prometheus}; without it {@code /metrics} answers 404.
     *
     * @throws NullPointerException if {@code prometheus} is null
     */
    public Builder prometheus(PrometheusMeterRegistry prometheus) {
      this.prometheus = Checks.notNull(prometheus, "prometheus");
      return this;
    }

    /**
     * Settings that win over the setters, applied by {@link #build()} whatever the order of the
     * calls (a later call replaces the settings given earlier): {@code HEADROOM_HEALTH_TOKEN}, when
     * set, replaces the token given to {@link #token(String)}.
     *
     * @throws NullPointerException if {@code settings} is null
     */
    public Builder settings(Settings settings) {
      this.settings = Checks.notNull(settings, "settings");
      return this;
    }

    /**
     * Applies the settings, if any, and builds the endpoints.
     *
     * @throws io.headroom.core.SettingsException naming the key (never the token) if the token
     *     setting is too short or contains spaces
     */
    public HealthEndpoints build() {
      String t = token;
      if (settings != null) {
        Settings s = settings.forModule("health");
        var fromSettings = s.get("TOKEN");
        if (fromSettings.isPresent()) {
          String value = fromSettings.get();
          if (value.length() < 16 || value.indexOf(' ') >= 0) {
            throw s.invalid("TOKEN", value, "expected at least 16 characters without spaces");
          }
          t = value;
        }
      }
      return new HealthEndpoints(this, t);
    }
  }
}
