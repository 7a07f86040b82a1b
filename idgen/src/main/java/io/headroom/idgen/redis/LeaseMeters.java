package io.headroom.idgen.redis;

import io.headroom.core.MeterConventions;
import io.headroom.redis.RedisCommandException;
import io.headroom.redis.RedisTimeoutException;
import io.headroom.redis.RedisUnavailableException;
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
  private final Counter timeout;
  private final Counter unavailable;
  private final Counter command;
  private final Counter other;

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
    timeout = errors(registry, namespace, MeterConventions.CAUSE_TIMEOUT);
    unavailable = errors(registry, namespace, MeterConventions.CAUSE_UNAVAILABLE);
    command = errors(registry, namespace, MeterConventions.CAUSE_COMMAND);
    other = errors(registry, namespace, MeterConventions.CAUSE_OTHER);
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
    if (e instanceof RedisTimeoutException) {
      timeout.increment();
    } else if (e instanceof RedisUnavailableException) {
      unavailable.increment();
    } else if (e instanceof RedisCommandException) {
      command.increment();
    } else {
      other.increment();
    }
  }
}
