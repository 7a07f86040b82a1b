package io.headroom.ratelimit;

import io.headroom.core.MeterConventions;
import io.headroom.redis.internal.RedisFailure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A limiter's meters, created once at build time and updated inline, under {@link
 * MeterConventions}; with no registry there are none and every update is one field check.
 */
final class LimiterMeters {
  /** Counter: decisions, tagged {@code name} and {@code result}. */
  static final String DECISIONS = "ratelimit.decisions";

  /** Timer: Redis decisions that got an answer, round trip included; tagged {@code name}. */
  static final String REDIS_LATENCY = "ratelimit.redis.latency";

  /** Counter: Redis calls that gave no decision, tagged {@code name} and {@code cause}. */
  static final String REDIS_ERRORS = MeterConventions.errorsMeter("ratelimit", "redis");

  /** Counter: decisions made by the local fall-back engine, tagged {@code name}. */
  static final String LOCAL_FALLBACK = "ratelimit.local.fallback";

  /** The tag of {@link #DECISIONS} that says how it came out. */
  static final String RESULT = "result";

  private static final LimiterMeters NONE = new LimiterMeters(null, "", false);

  private final boolean on;
  private final @Nullable Counter allowed;
  private final @Nullable Counter denied;
  private final @Nullable Counter shadowDenied;
  private final @Nullable Counter failedOpen;
  private final @Nullable Counter failedClosed;
  private final @Nullable Counter fallback;
  private final @Nullable Counter errBreakerOpen;

  /** One counter per {@link RedisFailure}, by index; empty without Redis or a registry. */
  private final Counter[] errors;

  private final @Nullable Timer latency;

  private LimiterMeters(@Nullable MeterRegistry r, String name, boolean redis) {
    this.on = r != null;
    if (r == null) {
      allowed = denied = shadowDenied = failedOpen = failedClosed = fallback = null;
      errBreakerOpen = null;
      errors = new Counter[0];
      latency = null;
      return;
    }
    allowed = decisions(r, name, "allowed");
    denied = decisions(r, name, "denied");
    shadowDenied = decisions(r, name, "shadow_denied");
    failedOpen = decisions(r, name, "failed_open");
    failedClosed = decisions(r, name, "failed_closed");
    if (redis) {
      fallback =
          Counter.builder(LOCAL_FALLBACK)
              .description("decisions made by the local fall-back engine while Redis could not")
              .tags(MeterConventions.nameTag(name))
              .register(r);
      errBreakerOpen = error(r, name, MeterConventions.CAUSE_BREAKER_OPEN);
      errors = new Counter[RedisFailure.COUNT];
      for (RedisFailure f : RedisFailure.values()) {
        errors[f.index()] = error(r, name, f.cause());
      }
      latency =
          Timer.builder(REDIS_LATENCY)
              .description("time to decide on Redis, round trip included")
              .tags(MeterConventions.nameTag(name))
              .register(r);
    } else {
      fallback = errBreakerOpen = null;
      errors = new Counter[0];
      latency = null;
    }
  }

  /** The meters of limiter {@code name}; none (one shared no-op) when {@code registry} is null. */
  static LimiterMeters create(@Nullable MeterRegistry registry, String name, boolean redis) {
    return registry == null ? NONE : new LimiterMeters(registry, name, redis);
  }

  private static Counter decisions(MeterRegistry r, String name, String result) {
    return Counter.builder(DECISIONS)
        .description("rate-limit decisions by result")
        .tags(MeterConventions.nameTag(name))
        .tag(RESULT, result)
        .register(r);
  }

  private static Counter error(MeterRegistry r, String name, String cause) {
    return Counter.builder(REDIS_ERRORS)
        .description("Redis calls that gave no decision, by cause")
        .tags(MeterConventions.nameTag(name))
        .tag(MeterConventions.CAUSE, cause)
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
    if (errors.length != 0) {
      errors[RedisFailure.of(error).index()].increment();
    }
  }
}
