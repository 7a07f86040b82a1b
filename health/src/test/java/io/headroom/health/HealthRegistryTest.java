package io.headroom.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.headroom.core.Settings;
import io.headroom.core.SettingsException;
import io.headroom.testkit.Concurrently;
import io.headroom.testkit.FakeTicker;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthRegistryTest {
  private final FakeTicker time = new FakeTicker();
  private final HealthRegistry health =
      HealthRegistry.builder()
          .ticker(time)
          .clock(time)
          .backgroundChecks(false)
          .drainDelay(Duration.ZERO)
          .build();

  @AfterEach
  void tearDown() {
    health.shutdown();
  }

  private CheckState state(String name) {
    return health.report().checks().stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void reportsUnknownBeforeTheFirstRun() {
    health.register(CheckConfig.builder("db", CheckResult::up));
    health.markStarted();

    HealthReport readiness = health.report(HealthGroup.READINESS);

    assertThat(readiness.status()).isEqualTo(Status.UNKNOWN);
    assertThat(readiness.checks().get(0).error()).isEqualTo("not checked yet");
    assertThat(readiness.checks().get(0).lastChecked()).isNull();
  }

  @Test
  void failureThresholdDelaysDownAndSuccessThresholdDelaysRecovery() {
    TestChecks.Scripted check =
        new TestChecks.Scripted()
            .then(CheckResult.up())
            .then(CheckResult.down("refused"))
            .then(CheckResult.down("refused"))
            .then(CheckResult.down("refused"))
            .then(CheckResult.up())
            .then(CheckResult.up());
    health.register(
        CheckConfig.builder("db", check).failureThreshold(3).successThreshold(2).build());

    health.refresh();
    assertThat(state("db").status()).isEqualTo(Status.UP);
    health.refresh();
    assertThat(state("db"))
        .extracting(CheckState::status, CheckState::streak, CheckState::error)
        .containsExactly(Status.UP, 1, "refused");
    health.refresh();
    assertThat(state("db").status()).isEqualTo(Status.UP);
    assertThat(state("db").streak()).isEqualTo(2);
    health.refresh();
    assertThat(state("db").status()).isEqualTo(Status.DOWN);
    assertThat(state("db").streak()).isEqualTo(3);
    health.refresh();
    assertThat(state("db").status()).isEqualTo(Status.DOWN);
    assertThat(state("db").streak()).isEqualTo(1);
    health.refresh();
    assertThat(state("db").status()).isEqualTo(Status.UP);
    assertThat(state("db").streak()).isEqualTo(2);
    assertThat(check.calls).hasValue(6);
  }

  @Test
  void firstResultIsTakenAsItIs() {
    health.register(
        CheckConfig.builder("db", () -> CheckResult.down("refused")).failureThreshold(5));

    health.refresh();

    assertThat(state("db").status()).isEqualTo(Status.DOWN);
  }

  @Test
  void degradedAndUpSwitchAtOnceWithoutThresholds() {
    TestChecks.Scripted check =
        new TestChecks.Scripted()
            .then(CheckResult.up())
            .then(CheckResult.degraded("slow"))
            .then(CheckResult.up());
    health.register(CheckConfig.builder("db", check).successThreshold(3));

    health.refresh();
    health.refresh();
    assertThat(state("db").status()).isEqualTo(Status.DEGRADED);
    health.refresh();
    assertThat(state("db").status()).isEqualTo(Status.UP);
  }

  @Test
  void snapshotOlderThanStaleAfterIsUnknown() {
    health.register(
        CheckConfig.builder("db", CheckResult::up)
            .interval(Duration.ofSeconds(10))
            .timeout(Duration.ofSeconds(1)));
    health.markStarted();
    health.refresh();

    time.advance(Duration.ofSeconds(31)); // default staleAfter = 3 * 10s + 1s
    assertThat(health.report(HealthGroup.READINESS).status()).isEqualTo(Status.UP);

    time.advance(1, TimeUnit.MILLISECONDS);
    HealthReport stale = health.report(HealthGroup.READINESS);
    assertThat(stale.status()).isEqualTo(Status.UNKNOWN);
    assertThat(stale.checks().get(0).error())
        .isEqualTo("stale: last result is 31001 ms old (allowed 31000 ms)");

    health.refresh();
    assertThat(health.report(HealthGroup.READINESS).status()).isEqualTo(Status.UP);
  }

  @Test
  void explicitStaleAfterIsUsed() {
    health.register(
        CheckConfig.builder("db", CheckResult::up)
            .interval(Duration.ofSeconds(1))
            .staleAfter(Duration.ofSeconds(2)));
    health.refresh();

    time.advance(Duration.ofMillis(2001));

    assertThat(state("db").status()).isEqualTo(Status.UNKNOWN);
  }

  @Test
  void durationAndLastCheckedComeFromTheInjectedTime() {
    health.register(
        CheckConfig.builder(
            "db",
            () -> {
              time.advance(1500, TimeUnit.MICROSECONDS);
              return CheckResult.up();
            }));

    health.refresh();

    assertThat(state("db").duration()).isEqualTo(Duration.ofNanos(1_500_000));
    assertThat(state("db").lastChecked()).isEqualTo(Instant.parse("2024-01-01T00:00:00.0015Z"));
  }

  @Test
  void exceptionIsDownWithTypeAndMessage() {
    health.register(
        CheckConfig.builder(
            "db",
            () -> {
              throw new java.sql.SQLException("connection refused");
            }));

    health.refresh();

    assertThat(state("db").status()).isEqualTo(Status.DOWN);
    assertThat(state("db").error()).isEqualTo("SQLException: connection refused");
  }

  @Test
  void hangingCheckTimesOutWithoutSlowingProbesOrPilingUpThreads() throws Exception {
    TestChecks.Hanging hang = new TestChecks.Hanging();
    health.register(
        CheckConfig.builder("search", hang).timeout(Duration.ofMillis(50)).failureThreshold(1));
    health.markStarted();

    CompletableFuture<Void> firstRun = CompletableFuture.runAsync(health::refresh);
    hang.entered.await();
    // While the check hangs, a probe answers from the snapshot: nothing yet.
    assertThat(health.report(HealthGroup.READINESS).checks().get(0).error())
        .isEqualTo("not checked yet");

    firstRun.get(10, TimeUnit.SECONDS);
    assertThat(state("search").status()).isEqualTo(Status.DOWN);
    assertThat(state("search").error()).isEqualTo("timed out after 50 ms");
    assertThat(state("search").duration()).isEqualTo(Duration.ofMillis(50));
    await().untilAsserted(() -> assertThat(hang.interrupts).hasPositiveValue());

    // The hung run still holds its thread: further runs record the timeout, start nothing.
    health.refresh();
    health.refresh();
    assertThat(hang.calls).hasValue(1);
    assertThat(state("search").error())
        .isEqualTo("timed out after 50 ms (previous run still running)");
    assertThat(state("search").streak()).isEqualTo(3);

    hang.release.countDown();
    await()
        .untilAsserted(
            () -> {
              health.refresh();
              assertThat(state("search").status()).isEqualTo(Status.UP);
            });
    assertThat(hang.calls).hasValue(2);
  }

  @Test
  void manyConcurrentProbesAllAnswerWhileACheckHangs() throws Exception {
    TestChecks.Hanging hang = new TestChecks.Hanging();
    health.register(CheckConfig.builder("search", hang).timeout(Duration.ofSeconds(30)));
    health.register(CheckConfig.builder("db", CheckResult::up));
    health.markStarted();
    CompletableFuture<Void> run = CompletableFuture.runAsync(health::refresh);
    hang.entered.await();
    await().until(() -> state("db").status() == Status.UP);

    int threads = 8;
    int probes = 500;
    try {
      List<Status> statuses =
          Concurrently.collect(threads, probes, t -> health.report(HealthGroup.READINESS).status());
      assertThat(statuses).hasSize(threads * probes).containsOnly(Status.UNKNOWN);
      assertThat(hang.calls).hasValue(1);
    } finally {
      hang.release.countDown();
      run.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void backgroundChecksRunWithoutRefresh() {
    HealthRegistry background =
        HealthRegistry.builder().drainDelay(Duration.ZERO).build(); // system time
    try {
      AtomicInteger calls = new AtomicInteger();
      background.register(
          CheckConfig.builder(
              "db",
              () -> {
                calls.incrementAndGet();
                return CheckResult.up();
              }));
      background.markStarted();

      await().until(() -> background.report(HealthGroup.READINESS).status() == Status.UP);
      assertThat(calls).hasPositiveValue();
    } finally {
      background.shutdown();
    }
  }

  @Test
  void lifecycleDrivesStartupAndReadinessButNotLiveness() {
    health.register(CheckConfig.builder("db", CheckResult::up));
    health.register(CheckConfig.builder("threads", CheckResult::up).groups(HealthGroup.LIVENESS));
    health.refresh();

    assertThat(health.lifecycle()).isEqualTo(Lifecycle.STARTING);
    assertThat(health.report(HealthGroup.STARTUP).status()).isEqualTo(Status.DOWN);
    assertThat(health.report(HealthGroup.READINESS).status()).isEqualTo(Status.DOWN);
    assertThat(health.report(HealthGroup.LIVENESS).status()).isEqualTo(Status.UP);

    health.markStarted();
    assertThat(health.lifecycle()).isEqualTo(Lifecycle.READY);
    assertThat(health.report(HealthGroup.STARTUP).status()).isEqualTo(Status.UP);
    assertThat(health.report(HealthGroup.READINESS).status()).isEqualTo(Status.UP);
    assertThat(health.report().status()).isEqualTo(Status.UP);

    health.shutdown();
    assertThat(health.lifecycle()).isEqualTo(Lifecycle.STOPPED);
    assertThat(health.report(HealthGroup.READINESS).status()).isEqualTo(Status.OUT_OF_SERVICE);
    assertThat(health.report(HealthGroup.LIVENESS).status()).isEqualTo(Status.UP);
    health.markStarted();
    assertThat(health.lifecycle()).isEqualTo(Lifecycle.STOPPED);
  }

  @Test
  void nonCriticalFailureDegradesTheGroup() {
    health.register(CheckConfig.builder("db", CheckResult::up));
    health.register(
        CheckConfig.builder("search", () -> CheckResult.down("no pong")).critical(false));
    health.markStarted();
    health.refresh();

    HealthReport readiness = health.report(HealthGroup.READINESS);

    assertThat(readiness.status()).isEqualTo(Status.DEGRADED);
    assertThat(readiness.status().httpStatus()).isEqualTo(200);
    assertThat(readiness.checks().get(1).status()).isEqualTo(Status.DOWN);
  }

  @Test
  void criticalFailureFailsTheGroup() {
    health.register(CheckConfig.builder("db", () -> CheckResult.down("refused")));
    health.markStarted();
    health.refresh();

    assertThat(health.report(HealthGroup.READINESS).status()).isEqualTo(Status.DOWN);
    assertThat(health.report(HealthGroup.READINESS).status().httpStatus()).isEqualTo(503);
    assertThat(health.report(HealthGroup.LIVENESS).status()).isEqualTo(Status.UP);
  }

  @Test
  void livenessRefusesDependencyChecksUnlessForced() {
    CheckConfig.Builder db =
        CheckConfig.builder("db", CheckResult::up).dependency(true).groups(HealthGroup.LIVENESS);

    assertThatThrownBy(db::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("check 'db' looks at a dependency")
        .hasMessageContaining("restart every pod");
    assertThat(db.forceLiveness(true).build().groups()).containsExactly(HealthGroup.LIVENESS);
  }

  @Test
  void rejectsDuplicateNamesAndBadSettings() {
    health.register(CheckConfig.builder("db", CheckResult::up));

    assertThatThrownBy(() -> health.register(CheckConfig.builder("db", CheckResult::up)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a check named 'db' is already registered");
    assertThatThrownBy(() -> CheckConfig.builder(" ", CheckResult::up))
        .hasMessage("name must be 1 to 64 characters from [A-Za-z0-9_.-]: ' '");
    assertThatThrownBy(() -> CheckConfig.builder("redis ping", CheckResult::up))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'redis ping'");
    assertThatThrownBy(() -> CheckConfig.builder("x", CheckResult::up).timeout(Duration.ZERO))
        .hasMessage("timeout must be > 0: PT0S");
    assertThatThrownBy(() -> CheckConfig.builder("x", CheckResult::up).failureThreshold(0))
        .hasMessage("failureThreshold must be > 0: 0");
    assertThatThrownBy(
            () ->
                CheckConfig.builder("x", CheckResult::up)
                    .interval(Duration.ofSeconds(10))
                    .staleAfter(Duration.ofSeconds(5))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("staleAfter (PT5S) must be >= interval (PT10S) for check 'x'");
  }

  @Test
  void settingsWinOverTheSettersInAnyOrder() {
    Settings s =
        Settings.of(
            Map.of("HEADROOM_HEALTH_DRAIN_DELAY", "0s", "HEADROOM_HEALTH_DRAIN_TIMEOUT", "3s"));
    DefaultHealthRegistry h =
        (DefaultHealthRegistry)
            HealthRegistry.builder()
                .settings(s)
                .drainDelay(Duration.ofSeconds(30))
                .drainTimeout(Duration.ofSeconds(40))
                .backgroundChecks(false)
                .build();
    try {
      assertThat(h.drainDelay).isEqualTo(Duration.ZERO);
      assertThat(h.drainTimeout).isEqualTo(Duration.ofSeconds(3));
    } finally {
      h.shutdown();
    }
    assertThatThrownBy(
            () ->
                HealthRegistry.builder()
                    .settings(Settings.of(Map.of("HEADROOM_HEALTH_DRAIN_DELAY", "soon")))
                    .build())
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("HEADROOM_HEALTH_DRAIN_DELAY=soon");
  }

  @Test
  void withoutAMeterRegistryNothingIsRecorded() {
    health.register(CheckConfig.builder("db", CheckResult::up));
    health.refresh();
    assertThat(state("db").status()).isEqualTo(Status.UP);
    assertThat(Metrics.globalRegistry.find("health.check.status").meters()).isEmpty();
    assertThat(Metrics.globalRegistry.find("health.status").meters()).isEmpty();

    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    HealthRegistry measured =
        HealthRegistry.builder()
            .ticker(time)
            .clock(time)
            .backgroundChecks(false)
            .drainDelay(Duration.ZERO)
            .meterRegistry(meters)
            .build();
    try {
      measured.register(CheckConfig.builder("db", CheckResult::up));
      measured.refresh();
      assertThat(meters.get("health.check.status").tag("name", "db").gauge().value())
          .isEqualTo(1.0);
      assertThat(meters.get("health.check.duration").tag("name", "db").timer().count())
          .isEqualTo(1);
      assertThat(meters.find("health.check.status").tagKeys("check").meters())
          .as("the old tag")
          .isEmpty();
    } finally {
      measured.shutdown();
    }
  }

  @Test
  void toBuilderKeepsEveryValue() {
    CheckConfig c =
        CheckConfig.builder("db", CheckResult::up)
            .groups(HealthGroup.READINESS, HealthGroup.STARTUP)
            .timeout(Duration.ofMillis(300))
            .interval(Duration.ofSeconds(3))
            .failureThreshold(4)
            .successThreshold(2)
            .critical(false)
            .staleAfter(Duration.ofSeconds(20))
            .dependency(true)
            .build();

    assertThat(c.toBuilder().build()).usingRecursiveComparison().isEqualTo(c);
  }

  @Test
  void checkResultRejectsNonScalarDetails() {
    assertThatThrownBy(() -> CheckResult.up().withDetail("list", List.of(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("details[list] must be a String, Number or Boolean");
  }
}
