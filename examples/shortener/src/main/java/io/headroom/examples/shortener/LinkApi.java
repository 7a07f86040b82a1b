package io.headroom.examples.shortener;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.headroom.health.InFlightTracker;
import io.headroom.idgen.IdGenerator;
import io.headroom.idgen.ShortCodes;
import io.headroom.sharding.ShardUnavailableException;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The link handlers: create ({@code POST /api/v1/urls}), redirect ({@code GET /{code}}) and stats
 * ({@code GET /api/v1/urls/{code}}). {@link Routes} mounts them on Javalin, and {@link
 * RedirectFilter} calls the redirect ahead of Javalin's router. Failures are thrown as {@link
 * ProblemException}s, which the routes answer as problem+json. Thread-safe.
 */
final class LinkApi {
  /** The largest request body, in bytes. */
  static final int MAX_BODY = 16 * 1024;

  private static final String JSON = "application/json";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  // The app's one logger name, as before the app was split into files.
  private static final Logger log = LoggerFactory.getLogger(ShortenerApp.class);

  private final long maxExpiresInSeconds;
  private final LinkStore store;
  private final LinkCache cache;
  private final CreateLimiter limiter;
  private final AccessCounts counts;
  private final IdGenerator ids;
  private final ShortCodes codes;
  private final InstantSource clock;
  private final InFlightTracker inFlight;
  private final ClientAddress clients;
  private final Counter created;
  private final Counter redirected;
  private final Counter notFound;
  private final Counter expired;
  private final Counter limited;

  /** The base of short URLs; known once the server listens. */
  volatile String baseUrl = "";

  LinkApi(
      long maxExpiresInSeconds,
      LinkStore store,
      LinkCache cache,
      CreateLimiter limiter,
      AccessCounts counts,
      IdGenerator ids,
      ShortCodes codes,
      InstantSource clock,
      InFlightTracker inFlight,
      ClientAddress clients,
      MeterRegistry meters) {
    this.maxExpiresInSeconds = maxExpiresInSeconds;
    this.store = store;
    this.cache = cache;
    this.limiter = limiter;
    this.counts = counts;
    this.ids = ids;
    this.codes = codes;
    this.clock = clock;
    this.inFlight = inFlight;
    this.clients = clients;
    this.created =
        Counter.builder("shortener.urls.shortened").description("links created").register(meters);
    this.redirected = redirects(meters, "found");
    this.notFound = redirects(meters, "not_found");
    this.expired = redirects(meters, "expired");
    this.limited =
        Counter.builder("shortener.create.rejected")
            .description("creations refused by the rate limiter")
            .tag("reason", "rate_limited")
            .register(meters);
  }

  private static Counter redirects(MeterRegistry meters, String result) {
    return Counter.builder("shortener.redirects")
        .description("redirect lookups by result")
        .tag("result", result)
        .register(meters);
  }

  /** {@code POST /api/v1/urls}: limit, validate, issue an ID, store, cache, 201. */
  void create(Context ctx) throws Exception {
    String client = clients.resolve(ctx.req().getRemoteAddr(), ctx.header("X-Forwarded-For"));
    CreateLimiter.Verdict v = limiter.tryAcquire(client);
    v.headers().forEach(ctx::header);
    if (v.outcome() == CreateLimiter.Outcome.LIMITED) {
      limited.increment();
      throw new ProblemException(
          429,
          "rate-limited",
          "Too Many Requests",
          "creation limit reached for this client; retry after "
              + v.headers().getOrDefault("Retry-After", "?")
              + " s",
          v.headers());
    }
    if (v.outcome() == CreateLimiter.Outcome.UNAVAILABLE) {
      throw new ProblemException(
          503,
          "limiter-unavailable",
          "Service Unavailable",
          "the rate limiter cannot decide right now and is configured to fail closed",
          v.headers());
    }
    String ct = ctx.contentType();
    if (ct == null || !mediaType(ct).equals(JSON)) {
      throw new ProblemException(
          415,
          "unsupported-media-type",
          "Unsupported Media Type",
          "send the request body as application/json, not " + (ct == null ? "nothing" : ct));
    }
    JsonNode body;
    try {
      body = MAPPER.readTree(body(ctx));
    } catch (JsonProcessingException e) {
      throw ProblemException.badRequest(
          "malformed-json",
          "Malformed JSON",
          "the body is not valid JSON: " + e.getOriginalMessage());
    }
    if (body == null || !body.isObject()) {
      throw ProblemException.badRequest(
          "invalid-request", "Invalid Request", "the body must be a JSON object");
    }
    JsonNode urlNode = body.get("url");
    if (urlNode == null || urlNode.isNull()) {
      throw ProblemException.badRequest("invalid-url", "Invalid URL", "url is required");
    }
    if (!urlNode.isTextual()) {
      throw ProblemException.badRequest("invalid-url", "Invalid URL", "url must be a string");
    }
    String url = UrlValidator.validate(urlNode.textValue());
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    @Nullable Instant expiresAt = null;
    JsonNode exp = body.get("expiresInSeconds");
    if (exp != null && !exp.isNull()) {
      if (!exp.isIntegralNumber() || !exp.canConvertToLong()) {
        throw ProblemException.badRequest(
            "invalid-expiry", "Invalid Expiry", "expiresInSeconds must be a whole number");
      }
      long s = exp.longValue();
      if (s < 1 || s > maxExpiresInSeconds) {
        throw ProblemException.badRequest(
            "invalid-expiry",
            "Invalid Expiry",
            "expiresInSeconds must be in [1, " + maxExpiresInSeconds + "], got " + s);
      }
      expiresAt = now.plusSeconds(s);
    }
    long id = ids.nextId();
    Link link = new Link(codes.encode(id), id, url, now, expiresAt);
    store.insert(link);
    cache.put(link);
    created.increment();
    ctx.status(201).header("Location", baseUrl + "/" + link.code()).contentType(JSON);
    write(ctx, MAPPER.writeValueAsBytes(view(link, null)));
  }

  /** {@code GET /{code}} for what {@link RedirectFilter} leaves to Javalin (never a code). */
  void redirect(Context ctx) {
    ctx.status(302).header("Location", redirectTarget(ctx.pathParam("code")));
  }

  /**
   * {@code GET /{code}} on the hot path ({@link RedirectFilter}): a 302, or a problem answer. An L1
   * hit allocates nothing here but the in-flight marker.
   */
  void redirect(String code, HttpServletResponse res) throws IOException {
    InFlightTracker.Request r = inFlight.begin();
    try {
      String target;
      try {
        target = redirectTarget(code);
      } catch (ProblemException e) {
        Problems.write(res, e);
        return;
      } catch (ShardUnavailableException e) {
        Problems.write(res, Problems.shardDown());
        return;
      } catch (RuntimeException e) {
        log.error("unexpected failure on GET /{}", printable(code), e);
        Problems.write(res, Problems.internal());
        return;
      }
      res.setStatus(302);
      res.setHeader("Location", target);
      res.setContentLength(0);
    } finally {
      r.close();
    }
  }

  /**
   * The URL {@code code} redirects to; counts the access.
   *
   * @throws ProblemException 404 for an unknown code or a string that cannot be one, 410 once the
   *     link has expired
   */
  String redirectTarget(String code) {
    Link link = lookup(code);
    if (link == null) {
      notFound.increment();
      throw ProblemException.notFound("no link with code '" + printable(code) + "'");
    }
    if (link.expiresAt() != null && link.expiredAt(clock.instant())) {
      expired.increment();
      throw new ProblemException(
          410, "expired", "Gone", "the link '" + code + "' expired at " + link.expiresAt());
    }
    counts.increment(code);
    redirected.increment();
    return link.url();
  }

  /** {@code GET /api/v1/urls/{code}}: the link with its access count and whether it expired. */
  void stats(Context ctx) throws Exception {
    String code = ctx.pathParam("code");
    Link link = lookup(code);
    if (link == null) {
      throw ProblemException.notFound("no link with code '" + printable(code) + "'");
    }
    long count = counts.total(code, c -> store.accessCount(c).orElse(0L));
    Map<String, Object> view = view(link, count);
    view.put("expired", link.expiredAt(clock.instant()));
    ctx.status(200).contentType(JSON).result(MAPPER.writeValueAsBytes(view));
  }

  /** The link, or null when the code is unknown or cannot be a code at all. */
  private @Nullable Link lookup(String code) {
    if (code.isEmpty() || code.length() > ShortCodes.MAX_LENGTH) {
      return null;
    }
    try {
      codes.decode(code);
    } catch (IllegalArgumentException e) {
      return null;
    }
    return cache.get(code).orElse(null);
  }

  /**
   * Writes {@code bytes} as the whole body. {@code ctx.result(bytes)} would have Javalin copy them
   * through a fresh buffer of its own on every answer.
   */
  private static void write(Context ctx, byte[] bytes) throws IOException {
    ctx.res().setContentLength(bytes.length);
    ctx.res().getOutputStream().write(bytes);
  }

  /**
   * The request body, read into an array of its own size. Javalin's {@code bodyAsBytes()} copies
   * through two 8 KiB buffers: in the load test's profile that was over half of what a creation
   * allocated.
   */
  private static byte[] body(Context ctx) throws IOException {
    long declared = ctx.req().getContentLengthLong();
    if (declared > MAX_BODY) {
      throw tooLarge();
    }
    byte[] bytes =
        ctx.req().getInputStream().readNBytes(declared >= 0 ? (int) declared : MAX_BODY + 1);
    if (bytes.length > MAX_BODY) {
      throw tooLarge();
    }
    return bytes;
  }

  private static ProblemException tooLarge() {
    return new ProblemException(
        413,
        "body-too-large",
        "Content Too Large",
        "the request body must be at most " + MAX_BODY + " bytes");
  }

  private Map<String, Object> view(Link link, @Nullable Long accessCount) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("code", link.code());
    m.put("shortUrl", baseUrl + "/" + link.code());
    m.put("url", link.url());
    m.put("createdAt", link.createdAt().toString());
    Instant exp = link.expiresAt();
    m.put("expiresAt", exp == null ? null : exp.toString());
    if (accessCount != null) {
      m.put("accessCount", accessCount);
    }
    return m;
  }

  /** {@code s} cut to 64 characters, control characters and quotes as {@code ?}, for messages. */
  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && i < 64; i++) {
      char c = s.charAt(i);
      b.append(c < 0x20 || c == 0x7f || c == '\'' ? '?' : c);
    }
    return b.toString();
  }

  private static String mediaType(String contentType) {
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi))
        .trim()
        .toLowerCase(Locale.ROOT);
  }
}
