package io.headroom.examples.shortener;

import java.util.Map;

/**
 * An HTTP error answered as {@code application/problem+json} (RFC 9457) with {@code type}, {@code
 * title}, {@code status} and {@code detail}. Stackless: it is an answer, not a bug.
 */
final class ProblemException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The type URI prefix; the slug after it names the problem. */
  static final String TYPE_PREFIX = "urn:headroom:shortener:problem:";

  private final int status;
  private final String slug;
  private final String title;
  private final transient Map<String, String> headers;

  ProblemException(int status, String slug, String title, String detail) {
    this(status, slug, title, detail, Map.of());
  }

  ProblemException(
      int status, String slug, String title, String detail, Map<String, String> headers) {
    super(detail, null, false, false);
    this.status = status;
    this.slug = slug;
    this.title = title;
    this.headers = Map.copyOf(headers);
  }

  static ProblemException badRequest(String slug, String title, String detail) {
    return new ProblemException(400, slug, title, detail);
  }

  static ProblemException notFound(String detail) {
    return new ProblemException(404, "not-found", "Not Found", detail);
  }

  int status() {
    return status;
  }

  String type() {
    return TYPE_PREFIX + slug;
  }

  String title() {
    return title;
  }

  String detail() {
    return String.valueOf(getMessage());
  }

  Map<String, String> headers() {
    return headers;
  }
}
