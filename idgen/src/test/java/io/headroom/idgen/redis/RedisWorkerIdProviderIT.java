package io.headroom.idgen.redis;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.headroom.core.Ticker;
import io.headroom.idgen.IdGenerator;
import io.headroom.idgen.IdGeneratorConfig;
import io.headroom.idgen.IdLayout;
import io.headroom.idgen.NoWorkerIdAvailableException;
import io.headroom.idgen.WorkerLease;
import io.headroom.idgen.WorkerLeaseLostException;
import io.headroom.redis.RedisConnector;
import io.headroom.redis.RedisException;
import io.headroom.redis.RedisSettings;
import io.headroom.testkit.Concurrently;
import io.headroom.testkit.fixtures.RedisFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Worker-ID leases on a real standalone Redis, with short TTLs. */
class RedisWorkerIdProviderIT {
  @RegisterExtension static final RedisFixture redis = RedisFixture.standalone();

  private static final AtomicInteger NAMESPACES = new AtomicInteger();
  private static final Duration TTL = Duration.ofSeconds(2);
  private static final Duration HEARTBEAT = Duration.ofMillis(400);
  private static final Duration MARGIN = Duration.ofMillis(800);

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private String namespace = "";

  @BeforeEach
  void freshNamespace() {
    redis.start();
    namespace = "it" + NAMESPACES.incrementAndGet();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private RedisConnector connector() {
    RedisConnector c =
        RedisConnector.create(
            RedisSettings.builder()
                .uri(redis.uri())
                .commandTimeout(Duration.ofMillis(500))
                .reconnectDelayMax(Duration.ofMillis(200))
                .build());
    toClose.add(c);
    await().atMost(Duration.ofSeconds(10)).until(c::isConnected); // the first connect may be slow
    return c;
  }

  private RedisWorkerIdConfig.Builder config() {
    return RedisWorkerIdConfig.builder()
        .namespace(namespace)
        .ttl(TTL)
        .heartbeatInterval(HEARTBEAT)
        .safetyMargin(MARGIN)
        .releaseCooldown(Duration.ofMillis(300))
        .meterRegistry(registry);
  }

  /** Marks the namespace's lease data as older than a TTL, so claims need not wait. */
  private void establishedNamespace(RedisConnector c) {
    c.await(c.set("{idgen:" + namespace + "}:since", "0".getBytes(UTF_8), Duration.ofHours(1)));
  }

  private String key(long workerId) {
    return "{idgen:" + namespace + "}:worker:" + workerId;
  }

  private double count(String meter, String... tags) {
    return registry.get(meter).tags(tags).counter().count();
  }

  /** Failed lease calls to Redis, every cause. */
  private double errors() {
    return registry.find("idgen.worker.lease.errors").tag("name", namespace).counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  private LeasedWorker lease(RedisWorkerIdProvider provider, long maxWorkerId) {
    LeasedWorker lease = (LeasedWorker) provider.acquire(maxWorkerId);
    toClose.add(lease);
    return lease;
  }

  @Test
  void sixteenConcurrentProvidersOnFourWorkerBitsGetSixteenDistinctIdsAndTheNextFails()
      throws Exception {
    RedisConnector a = connector();
    RedisConnector b = connector();
    establishedNamespace(a);
    int n = 16;
    List<RedisWorkerIdProvider> providers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      providers.add(RedisWorkerIdProvider.create(i % 2 == 0 ? a : b, config().build()));
    }
    Set<Long> ids = new HashSet<>();
    Set<String> holders = new HashSet<>();
    for (WorkerLease l : Concurrently.collect(n, 1, i -> providers.get(i).acquire(15))) {
      LeasedWorker lease = (LeasedWorker) l;
      toClose.add(lease);
      ids.add(lease.workerId());
      holders.add(lease.holder());
      assertThat(redis.get(key(lease.workerId()))).isEqualTo(lease.holder());
    }
    assertThat(ids).hasSize(16).allMatch(id -> id >= 0 && id <= 15);
    assertThat(holders).hasSize(16);
    assertThat(redis.keys("{idgen:" + namespace + "}:worker:*")).hasSize(16);
    assertThat(count("idgen.worker.lease.claims", "name", namespace)).isEqualTo(16.0);

    RedisWorkerIdProvider seventeenth = RedisWorkerIdProvider.create(a, config().build());
    assertThatThrownBy(() -> seventeenth.acquire(15))
        .isInstanceOf(NoWorkerIdAvailableException.class)
        .hasMessage(
            "all 16 worker IDs of namespace '"
                + namespace
                + "' are leased by live processes ({idgen:"
                + namespace
                + "}:worker:*): stop some, use another namespace, or give the layout more"
                + " worker bits");
  }

  @Test
  void generatorsOnLeasedWorkerIdsNeverIssueTheSameId() throws Exception {
    RedisConnector c = connector();
    establishedNamespace(c);
    IdLayout layout = IdLayout.of(41, 4, 18, IdLayout.DEFAULT_EPOCH);
    int generators = 4;
    int perGenerator = 50_000;
    List<IdGenerator> gens = new ArrayList<>();
    for (int i = 0; i < generators; i++) {
      IdGenerator g =
          IdGenerator.create(
              IdGeneratorConfig.builder()
                  .name("g" + i)
                  .layout(layout)
                  .workerIdProvider(RedisWorkerIdProvider.create(c, config().build()))
                  .meterRegistry(registry)
                  .build());
      toClose.add(g);
      gens.add(g);
    }
    Set<Long> all = ConcurrentHashMap.newKeySet();
    Concurrently.run(
        generators,
        t -> {
          IdGenerator g = gens.get(t);
          for (int i = 0; i < perGenerator; i++) {
            all.add(g.nextId());
          }
        });
    assertThat(all).hasSize(generators * perGenerator);
    Set<Long> workers = new HashSet<>();
    for (long id : all) {
      workers.add(gens.get(0).decompose(id).workerId());
    }
    assertThat(workers).hasSize(generators);
  }

  @Test
  void heartbeatKeepsTheLeaseAliveLongPastItsTtl() {
    RedisConnector c = connector();
    establishedNamespace(c);
    LeasedWorker lease = lease(RedisWorkerIdProvider.create(c, config().build()), 1023);
    // ttl / heartbeat = 5: seven renewals span more than a TTL since the claim
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                count("idgen.worker.lease.renewals", "name", namespace, "result", "renewed") >= 7);
    lease.ensureHeld();
    assertThat(redis.get(key(lease.workerId()))).isEqualTo(lease.holder());
    assertThat(redis.pttl(key(lease.workerId()))).isPositive().isLessThanOrEqualTo(TTL.toMillis());
    assertThat(errors()).isZero();
  }

  @Test
  void stopsIssuingBeforeTheLeaseCanLapseWhenRedisIsDownAndResumesWhenItIsBack() {
    RedisConnector c = connector();
    establishedNamespace(c);
    Ticker ticker = Ticker.system();
    IdGenerator ids =
        IdGenerator.create(
            IdGeneratorConfig.builder()
                .name("outage")
                .workerIdProvider(RedisWorkerIdProvider.create(c, config().build()))
                .meterRegistry(registry)
                .build());
    toClose.add(ids);
    double renewed = count("idgen.worker.lease.renewals", "name", namespace, "result", "renewed");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                count("idgen.worker.lease.renewals", "name", namespace, "result", "renewed")
                    > renewed);
    // Every successful renewal so far was sent before this point, so no key can outlive
    // stoppedAt + TTL: the generator must stop before that.
    assertThat(ids.nextId()).isPositive();
    long stoppedAt = ticker.read();
    redis.stop(); // SIGKILL: the connection drops, renewals are rejected at once from now on

    await()
        .atMost(TTL)
        .pollInterval(Duration.ofMillis(5))
        .untilAsserted(
            () ->
                assertThatThrownBy(ids::nextId)
                    .isInstanceOf(WorkerLeaseLostException.class)
                    .hasMessageContaining("stopped issuing IDs: its lease {idgen:" + namespace)
                    .hasMessageContaining("last renewal failed")
                    .hasCauseInstanceOf(RedisException.class));
    assertThat(ticker.read() - stoppedAt)
        .as("lease lost reported before the TTL can lapse")
        .isLessThan(TTL.toNanos());
    assertThat(errors()).isPositive();

    redis.start(); // empty dataset: the renewal re-takes the free ID
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> ids.nextId() > 0);
    assertThat(count("idgen.worker.lease.renewals", "name", namespace, "result", "reclaimed"))
        .isPositive();
    long worker = ids.decompose(ids.nextId()).workerId();
    assertThat(redis.get(key(worker))).isNotNull().isNotEqualTo("released");
  }

  @Test
  void failsAtStartWithTheRedisErrorWhenRedisIsDown() {
    RedisConnector c = connector();
    RedisWorkerIdProvider provider = RedisWorkerIdProvider.create(c, config().build());
    redis.stop();
    assertThatThrownBy(() -> provider.acquire(1023))
        .isInstanceOf(NoWorkerIdAvailableException.class)
        .hasMessageStartingWith(
            "could not lease a worker ID in namespace '" + namespace + "' from Redis: ")
        .hasCauseInstanceOf(RedisException.class);
  }

  @Test
  void releaseKeepsACooldownThenAnotherProviderReclaimsTheId() {
    RedisConnector c = connector();
    establishedNamespace(c);
    RedisWorkerIdProvider first = RedisWorkerIdProvider.create(c, config().build());
    RedisWorkerIdProvider second = RedisWorkerIdProvider.create(connector(), config().build());
    LeasedWorker held = lease(first, 0);
    assertThat(held.workerId()).isZero();
    assertThatThrownBy(() -> second.acquire(0)).isInstanceOf(NoWorkerIdAvailableException.class);

    held.close();
    assertThatThrownBy(held::ensureHeld)
        .isInstanceOf(WorkerLeaseLostException.class)
        .hasMessageContaining("was released");
    assertThat(redis.get(key(0))).isEqualTo("released");
    assertThat(redis.pttl(key(0))).isBetween(1L, 300L);

    LeasedWorker next =
        await()
            .atMost(Duration.ofSeconds(10))
            .ignoreException(NoWorkerIdAvailableException.class)
            .until(() -> lease(second, 0), l -> true);
    assertThat(next.workerId()).isZero();
    assertThat(redis.get(key(0))).isEqualTo(next.holder()).isNotEqualTo(held.holder());
    next.ensureHeld();

    // closing an old lease again must not release the new holder's key
    held.close();
    assertThat(redis.get(key(0))).isEqualTo(next.holder());
  }

  @Test
  void scriptsSurviveScriptFlush() {
    RedisConnector c = connector();
    establishedNamespace(c);
    RedisWorkerIdProvider provider =
        RedisWorkerIdProvider.create(c, config().heartbeat(false).build());
    LeasedWorker lease = lease(provider, 15);
    redis.scriptFlush();
    lease.renew();
    assertThat(count("idgen.worker.lease.renewals", "name", namespace, "result", "renewed"))
        .isEqualTo(1.0);
    redis.scriptFlush();
    LeasedWorker other = lease(provider, 15);
    assertThat(other.workerId()).isNotEqualTo(lease.workerId());
    redis.scriptFlush();
    other.close();
    assertThat(redis.get(key(other.workerId()))).isEqualTo("released");
    assertThat(errors()).isZero();
  }

  @Test
  void afterRedisLosesItsDataANewClaimWaitsOneTtlAndTheOldHolderStops() throws Exception {
    RedisConnector c = connector();
    establishedNamespace(c);
    Ticker ticker = Ticker.system();
    RedisWorkerIdProvider oldProvider =
        RedisWorkerIdProvider.create(c, config().heartbeat(false).build());
    LeasedWorker old = lease(oldProvider, 0);
    IdGenerator oldIds =
        IdGenerator.create(
            IdGeneratorConfig.builder()
                .name("old")
                .workerIdProvider(max -> old)
                .meterRegistry(registry)
                .build());
    Set<Long> issued = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      issued.add(oldIds.nextId());
    }

    redis.restart(); // no persistence: every lease and the "since" marker are gone
    RedisConnector c2 = connector();
    RedisWorkerIdProvider newProvider = RedisWorkerIdProvider.create(c2, config().build());
    long claimedAt = ticker.read();
    CompletableFuture<WorkerLease> newLease =
        CompletableFuture.supplyAsync(() -> newProvider.acquire(0));
    await().atMost(Duration.ofSeconds(10)).until(() -> redis.get(key(0)) != null);
    assertThat(newLease).isNotDone(); // waiting one TTL, since a previous holder may be issuing

    // the old holder's connector reconnects, then its next renewal finds the new holder's key
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              old.renew();
              return count("idgen.worker.lease.lost", "name", namespace) > 0;
            });
    assertThat(old.isHeld()).isFalse();
    assertThatThrownBy(oldIds::nextId)
        .isInstanceOf(WorkerLeaseLostException.class)
        .hasMessageContaining("is held by another process");
    assertThat(count("idgen.worker.lease.lost", "name", namespace)).isEqualTo(1.0);

    WorkerLease taken = newLease.get(30, TimeUnit.SECONDS);
    assertThat(ticker.read() - claimedAt).isGreaterThanOrEqualTo(TTL.toNanos());
    IdGenerator fresh =
        IdGenerator.create(
            IdGeneratorConfig.builder()
                .name("new")
                .workerIdProvider(max -> taken)
                .meterRegistry(registry)
                .build());
    toClose.add(fresh);
    for (int i = 0; i < 10_000; i++) {
      assertThat(issued.add(fresh.nextId())).isTrue();
    }
    assertThat(fresh.decompose(fresh.nextId()).workerId()).isZero();
    oldIds.close();
  }
}
