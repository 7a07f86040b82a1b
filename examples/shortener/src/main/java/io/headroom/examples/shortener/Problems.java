package io.headroom.examples.shortener;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.headroom.idgen.IdGeneratorException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@link ProblemException}s as {@code application/problem+json} (RFC 9457), through Javalin
 * or straight to a servlet response, and builds the problems that several paths answer alike.
 */
final class Problems {
  static final String PROBLEM_JSON = "application/problem+json";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  // The app's one logger name, as before the app was split into files.
  private static final Logger log = LoggerFactory.getLogger(ShortenerApp.class);

  private Problems() {}

  /** Answers {@code e} through Javalin: status, its headers, the problem body. */
  static void write(Context ctx, ProblemException e) {
    e.headers().forEach(ctx::header);
    ctx.status(e.status()).contentType(PROBLEM_JSON).result(bytes(e));
  }

  /** Answers {@code e} on a raw servlet response (the redirect filter's path). */
  static void write(HttpServletResponse res, ProblemException e) throws IOException {
    e.headers().forEach(res::setHeader);
    byte[] bytes = bytes(e);
    res.setStatus(e.status());
    res.setContentType(PROBLEM_JSON);
    res.setContentLength(bytes.length);
    res.getOutputStream().write(bytes);
  }

  /**
   * Whether the answer in {@code ctx} is already a problem (so an error page must not replace it).
   */
  static boolean isProblem(Context ctx) {
    String ct = ctx.res().getContentType();
    return ct != null && ct.startsWith(PROBLEM_JSON);
  }

  /** Javalin's own HTTP errors (404 of a route, 400 of a bad path...) as problems. */
  static ProblemException of(HttpResponseException e) {
    return new ProblemException(
        e.getStatus(),
        e.getStatus() == 404 ? "not-found" : "http-" + e.getStatus(),
        reason(e.getStatus()),
        String.valueOf(e.getMessage()));
  }

  /** 503: the shard of the code is down (its breaker is open). */
  static ProblemException shardDown() {
    return new ProblemException(
        503,
        "database-unavailable",
        "Service Unavailable",
        "the shard holding this code is unavailable; try again shortly",
        Map.of("Retry-After", "5"));
  }

  /**
   * 503: no ID can be issued: the worker lease lapsed (Redis unreachable) or the clock stepped
   * back.
   */
  static ProblemException noIds(IdGeneratorException e) {
    log.warn("cannot issue an ID: {}", e.getMessage());
    return new ProblemException(
        503,
        "id-unavailable",
        "Service Unavailable",
        "no link ID can be issued right now; try again shortly",
        Map.of("Retry-After", "5"));
  }

  /** 500, with no detail of the failure (it is logged). */
  static ProblemException internal() {
    return new ProblemException(
        500, "internal", "Internal Server Error", "an unexpected error occurred");
  }

  private static byte[] bytes(ProblemException e) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", e.type());
    body.put("title", e.title());
    body.put("status", e.status());
    body.put("detail", e.detail());
    try {
      return MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException ex) {
      return ("{\"status\":" + e.status() + "}").getBytes(StandardCharsets.UTF_8);
    }
  }

  private static String reason(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      default -> "HTTP " + status;
    };
  }
}
