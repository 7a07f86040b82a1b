package io.headroom.health;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.headroom.core.Checks;
import io.headroom.core.Settings;
import io.headroom.core.internal.SuppressForbidden;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@link HealthEndpoints} on the JDK's built-in HTTP server ({@code jdk.httpserver}), on a
 * management port of its own or beside an application already using that server.
 *
 * <pre>{@code
 * try (HealthHttpServer server = HealthHttpServer.start(endpoints, new InetSocketAddress(8081))) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Requests are answered by two daemon threads, enough because probes read snapshots and answer
 * in microseconds. Requests whose headers exceed {@value #MAX_HEADER_BYTES} bytes answer 431; the
 * JDK server itself drops connections beyond its own, larger limits. Thread-safe.
 */
@SuppressForbidden(
    "com.sun.net.httpserver is the exported, supported API of the jdk.httpserver module")
public final class HealthHttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthHttpServer.class);

  /** The largest total size of request headers answered; larger requests get 431. */
  public static final int MAX_HEADER_BYTES = 8 * 1024;

  /** The largest request path answered; longer ones get 414. */
  public static final int MAX_PATH_LENGTH = 2048;

  private final HttpServer server;
  private final ExecutorService executor;

  private HealthHttpServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts a server for {@code endpoints} on {@code address}; port 0 picks a free port.
   *
   * @throws NullPointerException if an argument is null
   * @throws UncheckedIOException if the address cannot be bound
   */
  public static HealthHttpServer start(HealthEndpoints endpoints, InetSocketAddress address) {
    Checks.notNull(endpoints, "endpoints");
    Checks.notNull(address, "address");
    HttpServer server;
    try {
      server = HttpServer.create(address, 64);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the health server to " + address, e);
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "headroom-health-http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", handler(endpoints));
    server.start();
    HealthHttpServer s = new HealthHttpServer(server, executor);
    log.info("health endpoints listening on {}", s.address());
    return s;
  }

  /**
   * Starts a server on {@code HEADROOM_HEALTH_HOST} (default {@code 0.0.0.0}) and {@code
   * HEADROOM_HEALTH_PORT} (default 8081).
   *
   * @throws io.headroom.core.SettingsException if the port is not in [0, 65535]
   * @throws UncheckedIOException if the address cannot be bound
   */
  public static HealthHttpServer start(HealthEndpoints endpoints, Settings settings) {
    Settings s = Checks.notNull(settings, "settings").withPrefix("HEADROOM_HEALTH_");
    int port = s.getInt("PORT", 8081);
    if (port < 0 || port > 65_535) {
      throw s.invalid("PORT", Integer.toString(port), "expected a port in [0, 65535]");
    }
    return start(endpoints, new InetSocketAddress(s.getString("HOST", "0.0.0.0"), port));
  }

  /**
   * Mounts the endpoints beside an application on an existing JDK server: contexts {@code /health}
   * and {@code /metrics}. The application keeps its own executor and lifecycle.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the server already has one of those contexts
   */
  public static void mount(HttpServer server, HealthEndpoints endpoints) {
    Checks.notNull(server, "server");
    HttpHandler h = handler(Checks.notNull(endpoints, "endpoints"));
    server.createContext("/health", h);
    server.createContext("/metrics", h);
  }

  /**
   * The JDK {@link HttpHandler} that answers through {@code endpoints}, for mounting under other
   * contexts.
   *
   * @throws NullPointerException if {@code endpoints} is null
   */
  public static HttpHandler handler(HealthEndpoints endpoints) {
    Checks.notNull(endpoints, "endpoints");
    return exchange -> serve(endpoints, exchange);
  }

  private static void serve(HealthEndpoints endpoints, HttpExchange exchange) {
    try {
      HealthResponse r;
      String path = exchange.getRequestURI().getRawPath();
      if (path == null) {
        path = "";
      }
      if (headerBytes(exchange.getRequestHeaders()) > MAX_HEADER_BYTES) {
        r = plainError(431, "request header fields too large");
      } else if (path.length() > MAX_PATH_LENGTH) {
        r = plainError(414, "uri too long");
      } else {
        Headers headers = exchange.getRequestHeaders();
        r = endpoints.handle(exchange.getRequestMethod(), path, headers::getFirst);
      }
      byte[] body = r.bodyBytes();
      Headers out = exchange.getResponseHeaders();
      out.set("Content-Type", r.contentType());
      out.set("X-Content-Type-Options", "nosniff");
      for (Map.Entry<String, String> h : r.headers().entrySet()) {
        out.set(h.getKey(), h.getValue());
      }
      boolean head = exchange.getRequestMethod().equals("HEAD");
      if (head) {
        out.set("Content-Length", Integer.toString(body.length));
        exchange.sendResponseHeaders(r.status(), -1);
      } else {
        exchange.sendResponseHeaders(r.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
          try (OutputStream os = exchange.getResponseBody()) {
            os.write(body);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // The client went away or sent something the JDK server rejects; nothing to answer.
      log.debug("health request failed", e);
    } finally {
      exchange.close();
    }
  }

  private static HealthResponse plainError(int status, String message) {
    StringBuilder body = new StringBuilder("{\"error\":");
    Json.string(body, message).append('}');
    return new HealthResponse(
        status, HealthEndpoints.JSON, Map.of("Cache-Control", "no-store"), body.toString());
  }

  private static long headerBytes(Headers headers) {
    long total = 0;
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      for (String v : e.getValue()) {
        total += e.getKey().length() + v.length() + 4;
      }
    }
    return total;
  }

  /** The bound address, with the real port when started on port 0. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Stops the server at once and its threads. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "HealthHttpServer{" + address() + "}";
  }
}
