package io.headroom.idgen.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.Settings;
import io.headroom.core.SettingsException;
import io.headroom.idgen.IdGenerator;
import io.headroom.idgen.IdGeneratorConfig;
import io.headroom.idgen.IdLayout;
import io.headroom.idgen.NoWorkerIdAvailableException;
import io.headroom.idgen.WorkerLease;
import io.headroom.idgen.WorkerLeaseLostException;
import io.headroom.testkit.FakeTicker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LeasedWorkerTest {
  private final FakeTicker time = new FakeTicker(Instant.parse("2025-06-01T00:00:00Z"));
  private final FakeLeaseStore store = new FakeLeaseStore(time);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicInteger sleeps = new AtomicInteger();

  private RedisWorkerIdConfig.Builder config() {
    return RedisWorkerIdConfig.builder()
        .namespace("test")
        .ttl(Duration.ofSeconds(10))
        .heartbeatInterval(Duration.ofSeconds(2))
        .safetyMargin(Duration.ofSeconds(2))
        .ticker(time)
        .meterRegistry(registry)
        .heartbeat(false)
        .sleeper(
            nanos -> {
              sleeps.incrementAndGet();
              time.advance(nanos, TimeUnit.NANOSECONDS);
            });
  }

  private RedisWorkerIdProvider provider() {
    return new RedisWorkerIdProvider(store, config().build());
  }

  private double renewals(String result) {
    return registry
        .get("idgen.worker.lease.renewals")
        .tag("name", "test")
        .tag("result", result)
        .counter()
        .count();
  }

  private double errors(String cause) {
    return registry
        .get("idgen.worker.lease.errors")
        .tag("name", "test")
        .tag("cause", cause)
        .counter()
        .count();
  }

  @Test
  void providersNeverHandOutAnIdThatIsStillLeased() {
    RedisWorkerIdProvider a = provider();
    RedisWorkerIdProvider b = provider();
    Set<Long> held = new HashSet<>();
    for (int i = 0; i < 16; i++) {
      assertThat(held.add((i % 2 == 0 ? a : b).acquire(15).workerId())).isTrue();
    }
    assertThat(held).hasSize(16);
    assertThatThrownBy(() -> a.acquire(15))
        .isInstanceOf(NoWorkerIdAvailableException.class)
        .hasMessage(
            "all 16 worker IDs of namespace 'test' are leased by live processes"
                + " ({idgen:test}:worker:*): stop some, use another namespace, or give the layout"
                + " more worker bits");
  }

  @Test
  void stopsIssuingASafetyMarginBeforeTheLeaseCanLapse() {
    LeasedWorker lease = (LeasedWorker) provider().acquire(1023);
    long id = lease.workerId();
    time.advance(1, TimeUnit.SECONDS);
    lease.renew(); // at t=1s: holds until 1 + 10 - 2 = 9 s
    store.failWith(new IllegalStateException("Redis is down"));
    for (int t = 3; t <= 7; t += 2) {
      time.advance(2, TimeUnit.SECONDS);
      lease.renew();
    }
    // t = 7 s: still safe
    lease.ensureHeld();
    time.advance(1999, TimeUnit.MILLISECONDS);
    lease.ensureHeld();
    time.advance(1, TimeUnit.MILLISECONDS); // t = 9 s

    assertThatThrownBy(lease::ensureHeld)
        .isInstanceOf(WorkerLeaseLostException.class)
        .hasMessage(
            "worker ID "
                + id
                + " stopped issuing IDs: its lease {idgen:test}:worker:"
                + id
                + " was last renewed 8000 ms ago and may lapse 2000 ms after this point (last"
                + " renewal failed: java.lang.IllegalStateException: Redis is down); IDs resume if"
                + " a renewal gets through while the ID is still free")
        .hasCauseInstanceOf(IllegalStateException.class);
    store.failWith(null);
    assertThat(store.holderOf(id)).as("the key has not lapsed yet").isEqualTo(lease.holder());
    assertThat(errors("other")).as("an IllegalStateException is no Redis error").isEqualTo(3.0);
    assertThat(errors("timeout") + errors("unavailable") + errors("command")).isZero();
  }

  @Test
  void measuresTheHoldFromWhenTheRenewalWasSentNotAnswered() {
    LeasedWorker lease = (LeasedWorker) provider().acquire(1023);
    store.renewDelay(TimeUnit.SECONDS.toNanos(3)); // a slow round trip
    lease.renew(); // sent at 0 s, arrives at 3 s: the key lives to 13 s, we hold until 8 s
    time.advance(4999, TimeUnit.MILLISECONDS);
    lease.ensureHeld();
    time.advance(1, TimeUnit.MILLISECONDS);
    assertThatThrownBy(lease::ensureHeld).isInstanceOf(WorkerLeaseLostException.class);
  }

  @Test
  void resumesWhenARenewalGetsThroughWhileTheIdIsStillFree() {
    LeasedWorker lease = (LeasedWorker) provider().acquire(1023);
    store.failWith(new IllegalStateException("Redis is down"));
    time.advance(30, TimeUnit.SECONDS);
    lease.renew();
    assertThatThrownBy(lease::ensureHeld).isInstanceOf(WorkerLeaseLostException.class);
    store.failWith(null);
    lease.renew(); // the key expired; nobody took the ID
    lease.ensureHeld();
    assertThat(store.holderOf(lease.workerId())).isEqualTo(lease.holder());
    assertThat(renewals("reclaimed")).isEqualTo(1.0);
  }

  @Test
  void stopsForGoodWhenAnotherProcessHoldsTheId() {
    LeasedWorker lease = (LeasedWorker) provider().acquire(1023);
    store.failWith(new IllegalStateException("partition"));
    time.advance(11, TimeUnit.SECONDS);
    store.failWith(null);
    store.put(lease.workerId(), "someone-else", 10_000); // took it after it lapsed
    lease.renew();
    assertThatThrownBy(lease::ensureHeld)
        .isInstanceOf(WorkerLeaseLostException.class)
        .hasMessage(
            "worker ID "
                + lease.workerId()
                + " lost: {idgen:test}:worker:"
                + lease.workerId()
                + " is held by another process; build a new generator");
    lease.renew();
    assertThat(store.holderOf(lease.workerId())).isEqualTo("someone-else");
    assertThat(registry.get("idgen.worker.lease.lost").counter().count()).isEqualTo(1.0);
  }

  @Test
  void releaseKeepsTheIdUnclaimableForTheCooldown() {
    RedisWorkerIdProvider provider = provider();
    WorkerLease lease = provider.acquire(0); // a one-ID space
    lease.close();
    assertThatThrownBy(lease::ensureHeld).hasMessageContaining("was released");
    assertThatThrownBy(() -> provider.acquire(0)).isInstanceOf(NoWorkerIdAvailableException.class);
    time.advance(2, TimeUnit.SECONDS); // the cooldown defaults to the safety margin
    assertThat(provider.acquire(0).workerId()).isZero();
  }

  @Test
  void waitsOneTtlBeforeUsingAnIdAfterRedisLostItsData() {
    store.loseData();
    LeasedWorker lease = (LeasedWorker) provider().acquire(1023);
    // 10 s in steps of the 2 s heartbeat, renewing between them; then usable.
    assertThat(sleeps).hasValue(5);
    assertThat(time.read()).isEqualTo(TimeUnit.SECONDS.toNanos(10));
    lease.ensureHeld();
    assertThat(renewals("renewed")).isEqualTo(6.0);
    // The next claimer finds the marker old enough and does not wait.
    time.advance(1, TimeUnit.SECONDS);
    provider().acquire(1023);
    assertThat(sleeps).hasValue(5);
  }

  @Test
  void aGeneratorOnALeaseThatCannotBeRenewedStopsIssuing() {
    IdGeneratorConfig cfg =
        IdGeneratorConfig.builder()
            .workerIdProvider(provider())
            .ticker(time)
            .instantSource(time)
            .meterRegistry(registry)
            .build();
    try (IdGenerator ids = IdGenerator.create(cfg)) {
      assertThat(ids.nextId()).isPositive();
      time.advance(8, TimeUnit.SECONDS);
      assertThatThrownBy(ids::nextId).isInstanceOf(WorkerLeaseLostException.class);
      assertThat(ids.layout()).isEqualTo(IdLayout.DEFAULT);
    }
  }

  @Test
  void rejectsTimingsThatLeaveFewerThanTwoRenewals() {
    assertThatThrownBy(
            () ->
                RedisWorkerIdConfig.builder()
                    .ttl(Duration.ofSeconds(5))
                    .safetyMargin(Duration.ofSeconds(2))
                    .heartbeatInterval(Duration.ofSeconds(2))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "2 x heartbeatInterval (PT2S) must be <= ttl - safetyMargin (PT5S - PT2S), so that at"
                + " least two renewals are tried before IDs stop");
    assertThatThrownBy(
            () ->
                RedisWorkerIdConfig.builder()
                    .ttl(Duration.ofSeconds(2))
                    .safetyMargin(Duration.ofSeconds(2))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("safetyMargin (PT2S) must be shorter than ttl (PT2S)");
    assertThatThrownBy(() -> RedisWorkerIdConfig.builder().namespace("a b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name must be 1 to 64 characters from [A-Za-z0-9_.-]: 'a b'");
  }

  @Test
  void settingsWinOverTheSettersAndNameTheirKeyWhenRefused() {
    Settings s =
        Settings.of(
            Map.of(
                "HEADROOM_IDGEN_LEASE_NAMESPACE", "orders",
                "HEADROOM_IDGEN_LEASE_TTL", "20s",
                "HEADROOM_IDGEN_LEASE_HEARTBEAT", "3s",
                "HEADROOM_IDGEN_LEASE_SAFETY_MARGIN", "4s"));
    RedisWorkerIdConfig c =
        RedisWorkerIdConfig.builder()
            .settings(s)
            .namespace("from-code")
            .ttl(Duration.ofSeconds(60))
            .build();
    assertThat(c.namespace()).isEqualTo("orders");
    assertThat(c.ttl()).isEqualTo(Duration.ofSeconds(20));
    assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.safetyMargin()).isEqualTo(Duration.ofSeconds(4));
    assertThat(RedisWorkerIdConfig.from(s).namespace()).isEqualTo("orders");
    assertThat(RedisWorkerIdConfig.from(Settings.empty()).ttl()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.meterRegistry()).as("no registry given").isEmpty();

    assertThatThrownBy(
            () -> RedisWorkerIdConfig.from(Settings.of(Map.of("HEADROOM_IDGEN_LEASE_TTL", "0s"))))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("HEADROOM_IDGEN_LEASE_TTL=0s");
    assertThatThrownBy(
            () ->
                RedisWorkerIdConfig.from(
                    Settings.of(Map.of("HEADROOM_IDGEN_LEASE_NAMESPACE", "a b"))))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("HEADROOM_IDGEN_LEASE_NAMESPACE=a b")
        .hasMessageContaining("[A-Za-z0-9_.-]");
  }
}
