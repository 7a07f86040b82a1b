package io.headroom.idgen.redis;

import io.headroom.core.MeterConventions;
import io.headroom.redis.internal.RedisFailure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

/**
 * The lease meters, created once per provider and tagged {@code name=<namespace>}. Without a
 * registry they are registered on one that records nothing.
 */
final class LeaseMeters {
  static final String ERRORS = MeterConventions.errorsMeter("idgen", "worker.lease");

  final Counter renewed;
  final Counter reclaimed;
  final Counter lost;
  final Counter claimed;

  /** One counter per {@link RedisFailure}, by index. */
  private final Counter[] errors;

  LeaseMeters(@Nullable MeterRegistry given, String namespace) {
    MeterRegistry registry = MeterConventions.orNoop(given);
    renewed = renewals(registry, namespace, "renewed");
    reclaimed = renewals(registry, namespace, "reclaimed");
    lost =
        Counter.builder("idgen.worker.lease.lost")
            .description("Worker-ID leases found held by another process")
            .tag(MeterConventions.NAME, namespace)
            .register(registry);
    claimed =
        Counter.builder("idgen.worker.lease.claims")
            .description("Worker IDs leased")
            .tag(MeterConventions.NAME, namespace)
            .register(registry);
    errors = new Counter[RedisFailure.COUNT];
    for (RedisFailure f : RedisFailure.values()) {
      errors[f.index()] = errors(registry, namespace, f.cause());
    }
  }

  private static Counter renewals(MeterRegistry registry, String namespace, String result) {
    return Counter.builder("idgen.worker.lease.renewals")
        .description("Worker-ID lease renewals that got through, by outcome")
        .tag(MeterConventions.NAME, namespace)
        .tag("result", result)
        .register(registry);
  }

  private static Counter errors(MeterRegistry registry, String namespace, String cause) {
    return Counter.builder(ERRORS)
        .description("Lease calls to Redis (claim, renewal, release) that failed, by cause")
        .tag(MeterConventions.NAME, namespace)
        .tag(MeterConventions.CAUSE, cause)
        .register(registry);
  }

  /** Counts one failed lease call to Redis under its cause. */
  void error(Throwable e) {
    errors[RedisFailure.of(e).index()].increment();
  }
}
