package io.headroom.idgen.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.headroom.idgen.NoWorkerIdAvailableException;
import io.headroom.idgen.WorkerLease;
import io.headroom.redis.RedisConnector;
import io.headroom.redis.RedisKeys;
import io.headroom.redis.RedisMode;
import io.headroom.redis.RedisSettings;
import io.headroom.testkit.Concurrently;
import io.headroom.testkit.fixtures.RedisClusterFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Worker-ID leases on a real six-node Redis Cluster: the claim script walks every worker key of a
 * namespace, which works only because they share one hash tag (one slot).
 */
class RedisWorkerIdProviderClusterIT {
  @RegisterExtension static final RedisClusterFixture cluster = RedisClusterFixture.sixNodes();

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private static RedisConnector connector() {
    RedisConnector c =
        RedisConnector.create(
            RedisSettings.builder()
                .uri(cluster.seeds())
                .reconnectDelayMax(Duration.ofMillis(200))
                .build());
    await().atMost(Duration.ofSeconds(10)).until(c::isConnected);
    return c;
  }

  private RedisWorkerIdConfig config(String namespace) {
    return RedisWorkerIdConfig.builder()
        .namespace(namespace)
        .ttl(Duration.ofSeconds(6))
        .heartbeatInterval(Duration.ofMillis(500))
        .safetyMargin(Duration.ofSeconds(1))
        .meterRegistry(registry)
        .build();
  }

  @Test
  void sixteenProvidersOnFourWorkerBitsGetDistinctIdsOnClusterAndSurviveAFailover()
      throws Exception {
    String ns = "cluster";
    String anyKey = "{idgen:" + ns + "}:worker:0";
    List<WorkerLease> leases = new ArrayList<>();
    try (RedisConnector a = connector();
        RedisConnector b = connector()) {
      assertThat(a.mode()).isEqualTo(RedisMode.CLUSTER);
      assertThat(RedisKeys.slot(anyKey)).isEqualTo(RedisKeys.slot("{idgen:" + ns + "}:since"));
      List<RedisWorkerIdProvider> providers = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        providers.add(RedisWorkerIdProvider.create(i % 2 == 0 ? a : b, config(ns)));
      }
      // the namespace is new: each waits one TTL, renewing
      leases.addAll(Concurrently.collect(16, 1, i -> providers.get(i).acquire(15)));
      Set<Long> ids = new HashSet<>();
      for (WorkerLease lease : leases) {
        ids.add(lease.workerId());
      }
      assertThat(ids).hasSize(16);
      assertThatThrownBy(() -> RedisWorkerIdProvider.create(a, config(ns)).acquire(15))
          .isInstanceOf(NoWorkerIdAvailableException.class)
          .hasMessageContaining("all 16 worker IDs of namespace 'cluster' are leased");

      cluster.scriptFlush();
      cluster.killPrimaryOf(anyKey);
      cluster.awaitFailover();
      // the replica that took over has the keys; renewals go on there and every lease is held
      double before = renewals(ns, "renewed") + renewals(ns, "reclaimed");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> renewals(ns, "renewed") + renewals(ns, "reclaimed") >= before + 32);
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .untilAsserted(() -> leases.forEach(WorkerLease::ensureHeld));
      assertThat(registry.get("idgen.worker.lease.lost").counter().count()).isZero();
      leases.forEach(WorkerLease::close); // while the connectors are open
    } finally {
      leases.forEach(WorkerLease::close);
    }
  }

  private double renewals(String ns, String result) {
    return registry
        .get("idgen.worker.lease.renewals")
        .tags("name", ns, "result", result)
        .counter()
        .count();
  }
}
