package io.headroom.ratelimit;

import io.headroom.redis.RedisCommandException;
import io.headroom.redis.RedisTimeoutException;
import io.headroom.redis.RedisUnavailableException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** The limiter's meters, created once at build time; a no-op when there is no registry. */
final class Meters {
  private final boolean on;
  private final @Nullable Counter allowed;
  private final @Nullable Counter denied;
  private final @Nullable Counter shadowDenied;
  private final @Nullable Counter failedOpen;
  private final @Nullable Counter failedClosed;
  private final @Nullable Counter fallback;
  private final @Nullable Counter errTimeout;
  private final @Nullable Counter errUnavailable;
  private final @Nullable Counter errCommand;
  private final @Nullable Counter errBreakerOpen;
  private final @Nullable Counter errOther;
  private final @Nullable Timer latency;

  private Meters(@Nullable MeterRegistry r, String limiter, boolean redis) {
    this.on = r != null;
    if (r == null) {
      allowed = denied = shadowDenied = failedOpen = failedClosed = fallback = null;
      errTimeout = errUnavailable = errCommand = errBreakerOpen = errOther = null;
      latency = null;
      return;
    }
    allowed = decisions(r, limiter, "allowed");
    denied = decisions(r, limiter, "denied");
    shadowDenied = decisions(r, limiter, "shadow_denied");
    failedOpen = decisions(r, limiter, "failed_open");
    failedClosed = decisions(r, limiter, "failed_closed");
    if (redis) {
      fallback =
          Counter.builder("ratelimit.local.fallback")
              .description("decisions made by the local fall-back engine while Redis could not")
              .tag("limiter", limiter)
              .register(r);
      errTimeout = error(r, limiter, "timeout");
      errUnavailable = error(r, limiter, "unavailable");
      errCommand = error(r, limiter, "command");
      errBreakerOpen = error(r, limiter, "breaker_open");
      errOther = error(r, limiter, "other");
      latency =
          Timer.builder("ratelimit.decision")
              .description("time to decide on Redis, round trip included")
              .tag("limiter", limiter)
              .register(r);
    } else {
      fallback = errTimeout = errUnavailable = errCommand = errBreakerOpen = errOther = null;
      latency = null;
    }
  }

  static Meters create(@Nullable MeterRegistry registry, String limiter, boolean redis) {
    return new Meters(registry, limiter, redis);
  }

  private static Counter decisions(MeterRegistry r, String limiter, String result) {
    return Counter.builder("ratelimit.decisions")
        .description("rate-limit decisions by result")
        .tag("limiter", limiter)
        .tag("result", result)
        .register(r);
  }

  private static Counter error(MeterRegistry r, String limiter, String kind) {
    return Counter.builder("ratelimit.redis.errors")
        .description("Redis calls that gave no decision, by kind")
        .tag("limiter", limiter)
        .tag("kind", kind)
        .register(r);
  }

  void decision(Decision d) {
    if (!on) {
      return;
    }
    Counter c =
        switch (d.reason()) {
          case ALLOWED, UNLIMITED -> allowed;
          case DENIED, COST_EXCEEDS_LIMIT -> denied;
          case SHADOW_DENIED -> shadowDenied;
          case FAILED_OPEN -> failedOpen;
          case UNAVAILABLE -> failedClosed;
        };
    if (c != null) {
      c.increment();
    }
  }

  void fallback() {
    if (fallback != null) {
      fallback.increment();
    }
  }

  void latency(long nanos) {
    if (latency != null) {
      latency.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  void breakerOpen() {
    if (errBreakerOpen != null) {
      errBreakerOpen.increment();
    }
  }

  void error(Throwable error) {
    if (!on) {
      return;
    }
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    Counter c;
    if (t instanceof RedisTimeoutException) {
      c = errTimeout;
    } else if (t instanceof RedisUnavailableException) {
      c = errUnavailable;
    } else if (t instanceof RedisCommandException) {
      c = errCommand;
    } else {
      c = errOther;
    }
    if (c != null) {
      c.increment();
    }
  }
}
