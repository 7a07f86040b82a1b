package io.headroom.examples.shortener;

import io.headroom.health.HealthEndpoints;
import io.headroom.health.HealthResponse;
import io.headroom.health.InFlightTracker;
import io.headroom.idgen.IdGeneratorException;
import io.headroom.sharding.ShardUnavailableException;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: Jetty's thread pool, the {@link RedirectFilter} in front of Javalin, the routes
 * of the API, the health probes and the metrics on one port, and every failure answered as
 * problem+json.
 */
final class Routes {
  // The app's one logger name, as before the app was split into files.
  private static final Logger log = LoggerFactory.getLogger(ShortenerApp.class);

  private Routes() {}

  /**
   * A Javalin server (not started) serving {@code api} and {@code endpoints}; requests to the API
   * count as in flight in {@code inFlight}, so that draining waits for them.
   */
  static Javalin server(
      LinkApi api, HealthEndpoints endpoints, InFlightTracker inFlight, int maxThreads) {
    Handler probe =
        ctx -> {
          HealthResponse r = endpoints.handle(ctx.method().name(), ctx.path(), ctx::header);
          r.headers().forEach(ctx::header);
          ctx.status(r.status()).contentType(r.contentType()).result(r.bodyBytes());
        };
    return Javalin.create(
        c -> {
          c.startup.showJavalinBanner = false;
          c.startup.startupWatcherEnabled = false;
          c.http.maxRequestSize = LinkApi.MAX_BODY;
          c.http.compressionStrategy = CompressionStrategy.NONE;
          c.router.ignoreTrailingSlashes = true;
          QueuedThreadPool pool = new QueuedThreadPool(maxThreads, Math.min(8, maxThreads));
          pool.setName("shortener-http");
          c.jetty.threadPool = pool;
          c.jetty.modifyServletContextHandler(
              h ->
                  h.addFilter(
                      new FilterHolder(new RedirectFilter(api)),
                      "/*",
                      EnumSet.of(DispatcherType.REQUEST)));
          routes(c.routes, api, probe, inFlight);
        });
  }

  private static void routes(RoutesConfig r, LinkApi api, Handler probe, InFlightTracker inFlight) {
    r.get("/health", probe);
    r.get("/health/{probe}", probe);
    r.get("/metrics", probe);
    r.post("/api/v1/urls", tracked(inFlight, api::create));
    r.get("/api/v1/urls/{code}", tracked(inFlight, api::stats));
    r.get("/{code}", tracked(inFlight, api::redirect));
    r.exception(ProblemException.class, (e, ctx) -> Problems.write(ctx, e));
    r.exception(HttpResponseException.class, (e, ctx) -> Problems.write(ctx, Problems.of(e)));
    r.exception(
        ShardUnavailableException.class, (e, ctx) -> Problems.write(ctx, Problems.shardDown()));
    r.exception(IdGeneratorException.class, (e, ctx) -> Problems.write(ctx, Problems.noIds(e)));
    r.exception(
        Exception.class,
        (e, ctx) -> {
          log.error("unexpected failure on {} {}", ctx.method(), ctx.path(), e);
          Problems.write(ctx, Problems.internal());
        });
    r.error(
        404,
        ctx -> {
          if (!Problems.isProblem(ctx)) {
            Problems.write(ctx, ProblemException.notFound("no resource at " + ctx.path()));
          }
        });
    r.error(
        405,
        ctx -> {
          if (!Problems.isProblem(ctx)) {
            Problems.write(
                ctx,
                new ProblemException(
                    405,
                    "method-not-allowed",
                    "Method Not Allowed",
                    ctx.method() + " not allowed"));
          }
        });
  }

  /** Counts the request as in flight, so that draining waits for it. */
  private static Handler tracked(InFlightTracker inFlight, Handler handler) {
    return ctx -> {
      InFlightTracker.Request r = inFlight.begin();
      try {
        handler.handle(ctx);
      } finally {
        r.close();
      }
    };
  }
}
