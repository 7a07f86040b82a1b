package io.headroom.idgen.redis;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The lease meters, created once per provider. */
final class LeaseMeters {
  final Counter renewed;
  final Counter reclaimed;
  final Counter renewalError;
  final Counter lost;
  final Counter claimed;

  LeaseMeters(MeterRegistry registry, String namespace) {
    renewed = renewals(registry, namespace, "renewed");
    reclaimed = renewals(registry, namespace, "reclaimed");
    renewalError = renewals(registry, namespace, "error");
    lost =
        Counter.builder("idgen.worker.lease.lost")
            .description("Worker-ID leases found held by another process")
            .tag("namespace", namespace)
            .register(registry);
    claimed =
        Counter.builder("idgen.worker.lease.claims")
            .description("Worker IDs leased")
            .tag("namespace", namespace)
            .register(registry);
  }

  private static Counter renewals(MeterRegistry registry, String namespace, String result) {
    return Counter.builder("idgen.worker.lease.renewals")
        .description("Worker-ID lease renewals by outcome")
        .tag("namespace", namespace)
        .tag("result", result)
        .register(registry);
  }
}
