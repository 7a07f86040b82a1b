package io.headroom.http;

import io.headroom.core.Checks;
import io.headroom.http.internal.Json;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An RFC 9457 problem: the body of an HTTP error as {@code application/problem+json}, with the
 * members {@code type}, {@code title}, {@code status}, {@code detail}, {@code instance} and any
 * extension members.
 *
 * <pre>{@code
 * Problem.builder(429)
 *     .type("https://example.com/problems/rate-limited")
 *     .title("Too Many Requests")
 *     .detail("5 requests per minute; retry in 12 s")
 *     .extension("retryAfterSeconds", 12)
 *     .build()
 *     .writeTo(response);
 * }</pre>
 *
 * <p>A problem holds text and JSON values only, never a {@link Throwable}: extension values are
 * strings, numbers, booleans, null, maps with string keys, iterables or arrays of those, so no
 * stack trace or exception message can reach a client through it ({@link Problem#internalError()}
 * answers a 500 that says nothing of the failure). Every value is rendered when it is added, so a
 * later change to a map given as a value does not change the problem. Immutable and thread-safe.
 */
public final class Problem {
  /** The media type of problem bodies, {@value}. */
  public static final String MEDIA_TYPE = "application/problem+json";

  /** The default {@code type}: the problem has no more meaning than its HTTP status. */
  public static final URI ABOUT_BLANK = URI.create("about:blank");

  private static final Set<String> STANDARD_MEMBERS =
      Set.of("type", "title", "status", "detail", "instance");
  private static final Pattern EXTENSION_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");

  private final URI type;
  private final String title;
  private final int status;
  private final @Nullable String detail;
  private final @Nullable URI instance;
  private final Map<String, @Nullable Object> extensions;
  private final Map<String, String> renderedExtensions;
  private final byte[] json;

  private Problem(Builder b) {
    this.type = b.type;
    this.title = b.title != null ? b.title : reasonPhrase(b.status);
    this.status = b.status;
    this.detail = b.detail;
    this.instance = b.instance;
    this.extensions = Collections.unmodifiableMap(new LinkedHashMap<>(b.extensions));
    this.renderedExtensions = Map.copyOf(b.rendered);
    this.json = render().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A problem of type {@code about:blank} whose title is the status' reason phrase.
   *
   * @throws IllegalArgumentException if {@code status} is not in [400, 599]
   */
  public static Problem of(int status) {
    return builder(status).build();
  }

  /**
   * A problem of type {@code about:blank} with the status' reason phrase and {@code detail}.
   *
   * @throws IllegalArgumentException if {@code status} is not in [400, 599]
   * @throws NullPointerException if {@code detail} is null
   */
  public static Problem of(int status, String detail) {
    return builder(status).detail(detail).build();
  }

  /** A 500 that says nothing about the failure (log the exception, answer this). */
  public static Problem internalError() {
    return builder(500).detail("An unexpected error occurred.").build();
  }

  /**
   * A builder for a problem of {@code status}.
   *
   * @throws IllegalArgumentException if {@code status} is not in [400, 599]
   */
  public static Builder builder(int status) {
    return new Builder(status);
  }

  /** A builder holding this problem's members, to derive another one. */
  public Builder toBuilder() {
    Builder b = new Builder(status);
    b.type = type;
    b.title = title;
    b.detail = detail;
    b.instance = instance;
    b.extensions.putAll(extensions);
    b.rendered.putAll(renderedExtensions);
    return b;
  }

  /** The problem type URI; {@code about:blank} unless set. */
  public URI type() {
    return type;
  }

  /** The short, human-readable summary; the status' reason phrase unless set. */
  public String title() {
    return title;
  }

  /** The HTTP status code, in [400, 599]. */
  public int status() {
    return status;
  }

  /** The explanation specific to this occurrence, if any. */
  public Optional<String> detail() {
    return Optional.ofNullable(detail);
  }

  /** The URI reference of this occurrence, if any. */
  public Optional<URI> instance() {
    return Optional.ofNullable(instance);
  }

  /** The extension members in insertion order (unmodifiable). */
  public Map<String, @Nullable Object> extensions() {
    return extensions;
  }

  /** The body as JSON text: the standard members first, then the extensions in order. */
  public String toJson() {
    return new String(json, StandardCharsets.UTF_8);
  }

  /** The body as UTF-8 JSON bytes (a copy). */
  public byte[] toJsonBytes() {
    return json.clone();
  }

  /**
   * Answers with this problem: discards any buffered body, sets the status, {@code Content-Type:
   * application/problem+json} and {@code Content-Length}, and writes the body. Headers already set
   * (for example {@code Retry-After}) are kept. Does nothing if the response is already committed
   * (its status line has been sent; nothing can be answered any more).
   *
   * @return whether the problem was written
   * @throws IOException if writing the body fails
   */
  public boolean writeTo(HttpServletResponse response) throws IOException {
    Checks.notNull(response, "response");
    if (response.isCommitted()) {
      return false;
    }
    response.resetBuffer();
    response.setStatus(status);
    response.setContentType(MEDIA_TYPE);
    response.setContentLength(json.length);
    response.getOutputStream().write(json);
    return true;
  }

  private String render() {
    StringBuilder sb = new StringBuilder(128);
    sb.append("{\"type\":");
    Json.string(sb, type.toString());
    sb.append(",\"title\":");
    Json.string(sb, title);
    sb.append(",\"status\":").append(status);
    if (detail != null) {
      sb.append(",\"detail\":");
      Json.string(sb, detail);
    }
    if (instance != null) {
      sb.append(",\"instance\":");
      Json.string(sb, instance.toString());
    }
    for (String name : extensions.keySet()) {
      sb.append(',');
      Json.string(sb, name).append(':').append(renderedExtensions.get(name));
    }
    return sb.append('}').toString();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Problem p && java.util.Arrays.equals(p.json, json);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(json);
  }

  /** The JSON text. */
  @Override
  public String toString() {
    return toJson();
  }

  /** The reason phrase of a 4xx/5xx status (RFC 9110 and common extensions), else "Error". */
  public static String reasonPhrase(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 402 -> "Payment Required";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 406 -> "Not Acceptable";
      case 407 -> "Proxy Authentication Required";
      case 408 -> "Request Timeout";
      case 409 -> "Conflict";
      case 410 -> "Gone";
      case 411 -> "Length Required";
      case 412 -> "Precondition Failed";
      case 413 -> "Content Too Large";
      case 414 -> "URI Too Long";
      case 415 -> "Unsupported Media Type";
      case 416 -> "Range Not Satisfiable";
      case 417 -> "Expectation Failed";
      case 421 -> "Misdirected Request";
      case 422 -> "Unprocessable Content";
      case 423 -> "Locked";
      case 424 -> "Failed Dependency";
      case 425 -> "Too Early";
      case 426 -> "Upgrade Required";
      case 428 -> "Precondition Required";
      case 429 -> "Too Many Requests";
      case 431 -> "Request Header Fields Too Large";
      case 451 -> "Unavailable For Legal Reasons";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      case 505 -> "HTTP Version Not Supported";
      case 507 -> "Insufficient Storage";
      case 511 -> "Network Authentication Required";
      default -> status < 500 ? "Client Error" : "Server Error";
    };
  }

  /** Builds a {@link Problem}; not thread-safe. */
  public static final class Builder {
    private final int status;
    private URI type = ABOUT_BLANK;
    private @Nullable String title;
    private @Nullable String detail;
    private @Nullable URI instance;
    private final Map<String, @Nullable Object> extensions = new LinkedHashMap<>();
    private final Map<String, String> rendered = new LinkedHashMap<>();

    private Builder(int status) {
      Checks.inRange(status, 400, 599, "status");
      this.status = status;
    }

    /**
     * The problem type, a URI reference ({@code https://example.com/problems/out-of-credit} or a
     * relative {@code /problems/out-of-credit}).
     *
     * @throws IllegalArgumentException if {@code type} is not a URI reference
     */
    public Builder type(String type) {
      return type(uri(type, "type"));
    }

    /** The problem type. */
    public Builder type(URI type) {
      this.type = Checks.notNull(type, "type");
      return this;
    }

    /** The short summary of the problem type (the same for every occurrence of a type). */
    public Builder title(String title) {
      this.title = Checks.notNull(title, "title");
      return this;
    }

    /** The explanation of this occurrence, for the client; never an exception message. */
    public Builder detail(String detail) {
      this.detail = Checks.notNull(detail, "detail");
      return this;
    }

    /**
     * The URI reference of this occurrence (often the request path).
     *
     * @throws IllegalArgumentException if {@code instance} is not a URI reference
     */
    public Builder instance(String instance) {
      return instance(uri(instance, "instance"));
    }

    /** The URI reference of this occurrence. */
    public Builder instance(URI instance) {
      this.instance = Checks.notNull(instance, "instance");
      return this;
    }

    /**
     * Adds (or replaces) an extension member. Names are 1 to 64 characters, a letter then letters,
     * digits or underscores (RFC 9457 section 3.2), and none of the standard members.
     *
     * @throws IllegalArgumentException if the name is not allowed or the value is not a JSON value
     *     (see {@link Problem}); a {@link Throwable} is always refused
     */
    public Builder extension(String name, @Nullable Object value) {
      Checks.notNull(name, "name");
      Checks.argument(
          EXTENSION_NAME.matcher(name).matches(),
          "extension name must match [A-Za-z][A-Za-z0-9_]{0,63}: '%s'",
          name);
      Checks.argument(
          !STANDARD_MEMBERS.contains(name), "extension name is a standard member: %s", name);
      String json = Json.value(new StringBuilder(), value).toString();
      extensions.put(name, value);
      rendered.put(name, json);
      return this;
    }

    /** The problem. */
    public Problem build() {
      return new Problem(this);
    }

    private static URI uri(String text, String name) {
      Checks.notNull(text, name);
      try {
        return new URI(text);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(name + " is not a URI reference: '" + text + "'", e);
      }
    }
  }
}
