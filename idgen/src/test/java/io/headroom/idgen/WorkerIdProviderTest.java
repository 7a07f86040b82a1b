package io.headroom.idgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.Settings;
import io.headroom.core.SettingsException;
import io.headroom.testkit.FakeTicker;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerIdProviderTest {

  @Test
  void fixedProviderHandsOutItsIdUntilClosed() {
    WorkerLease lease = WorkerIdProvider.fixed(9).acquire(1023);
    assertThat(lease.workerId()).isEqualTo(9);
    lease.ensureHeld();
    lease.close();
    assertThatThrownBy(lease::ensureHeld).isInstanceOf(WorkerLeaseLostException.class);
  }

  @Test
  void fixedProviderRejectsANegativeId() {
    assertThatThrownBy(() -> WorkerIdProvider.fixed(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("workerId must be >= 0: -1");
  }

  @Test
  void readsTheWorkerIdFromSettings() {
    Settings s = Settings.of(Map.of("HEADROOM_IDGEN_WORKER_ID", "42"));
    assertThat(WorkerIdProvider.fromSettings(s).acquire(1023).workerId()).isEqualTo(42);
  }

  @Test
  void saysWhatToDoWhenTheWorkerIdSettingIsMissing() {
    assertThatThrownBy(() -> WorkerIdProvider.fromSettings(Settings.empty()).acquire(1023))
        .isInstanceOf(NoWorkerIdAvailableException.class)
        .hasMessage(
            "HEADROOM_IDGEN_WORKER_ID is not set: give every process a distinct worker ID in [0, 1023],"
                + " or lease one from Redis (RedisWorkerIdProvider)");
  }

  @Test
  void rejectsAWorkerIdSettingOutOfRangeOrNotANumber() {
    assertThatThrownBy(
            () ->
                WorkerIdProvider.fromSettings(
                        Settings.of(Map.of("HEADROOM_IDGEN_WORKER_ID", "1024")))
                    .acquire(1023))
        .isInstanceOf(NoWorkerIdAvailableException.class)
        .hasMessage("HEADROOM_IDGEN_WORKER_ID must be a worker ID in [0, 1023]: 1024");
    assertThatThrownBy(
            () ->
                WorkerIdProvider.fromSettings(
                        Settings.of(Map.of("HEADROOM_IDGEN_WORKER_ID", "pod-3")))
                    .acquire(1023))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("HEADROOM_IDGEN_WORKER_ID")
        .hasMessageContaining("pod-3");
  }

  @Test
  void configIsReadFromSettings() {
    Settings s =
        Settings.of(
            Map.of(
                "HEADROOM_IDGEN_WORKER_ID", "17",
                "HEADROOM_IDGEN_LAYOUT", "40/13/10",
                "HEADROOM_IDGEN_EPOCH", "2025-01-01T00:00:00Z",
                "HEADROOM_IDGEN_CLOCK_BACKWARDS_MAX_WAIT", "20ms",
                "HEADROOM_IDGEN_WALL_CLOCK_CHECK_INTERVAL", "250ms"));
    FakeTicker time = new FakeTicker(Instant.parse("2025-03-01T00:00:00Z"));
    IdGeneratorConfig config =
        IdGeneratorConfig.builder().settings(s).ticker(time).instantSource(time).build();
    assertThat(config.layout())
        .isEqualTo(IdLayout.of(40, 13, 10, Instant.parse("2025-01-01T00:00:00Z")));
    assertThat(config.clockBackwardsPolicy().maxWait()).isEqualTo(Duration.ofMillis(20));
    assertThat(config.wallClockCheckInterval()).isEqualTo(Duration.ofMillis(250));
    try (IdGenerator ids = IdGenerator.create(config)) {
      assertThat(ids.workerId()).isEqualTo(17);
      assertThat(ids.decompose(ids.nextId()).workerId()).isEqualTo(17);
    }
  }

  @Test
  void theWorkerIdKeyOfThePreviousReleaseStillWorksAndTheNewOneWins() {
    assertThat(
            WorkerIdProvider.fromSettings(Settings.of(Map.of("HEADROOM_WORKER_ID", "9")))
                .acquire(1023)
                .workerId())
        .isEqualTo(9);
    assertThat(
            WorkerIdProvider.fromSettings(
                    Settings.of(
                        Map.of("HEADROOM_WORKER_ID", "9", "HEADROOM_IDGEN_WORKER_ID", "10")))
                .acquire(1023)
                .workerId())
        .isEqualTo(10);
    FakeTicker time = new FakeTicker(Instant.parse("2025-03-01T00:00:00Z"));
    IdGeneratorConfig old =
        IdGeneratorConfig.builder()
            .settings(Settings.of(Map.of("HEADROOM_WORKER_ID", "11")))
            .ticker(time)
            .instantSource(time)
            .build();
    try (IdGenerator ids = IdGenerator.create(old)) {
      assertThat(ids.workerId()).isEqualTo(11);
    }
  }

  @Test
  void settingsWinOverTheSettersInAnyOrder() {
    FakeTicker time = new FakeTicker(Instant.parse("2025-03-01T00:00:00Z"));
    Settings s =
        Settings.of(
            Map.of(
                "HEADROOM_IDGEN_WORKER_ID", "21",
                "HEADROOM_IDGEN_WALL_CLOCK_CHECK_INTERVAL", "2s"));
    IdGeneratorConfig config =
        IdGeneratorConfig.builder()
            .settings(s)
            .workerId(3)
            .wallClockCheckInterval(Duration.ofMillis(10))
            .ticker(time)
            .instantSource(time)
            .build();
    assertThat(config.wallClockCheckInterval()).isEqualTo(Duration.ofSeconds(2));
    try (IdGenerator ids = IdGenerator.create(config)) {
      assertThat(ids.workerId()).as("the setting replaces the code's provider").isEqualTo(21);
    }
    // Without the key, the code's provider stays.
    IdGeneratorConfig kept =
        IdGeneratorConfig.builder()
            .workerId(3)
            .settings(Settings.empty())
            .ticker(time)
            .instantSource(time)
            .build();
    try (IdGenerator ids = IdGenerator.create(kept)) {
      assertThat(ids.workerId()).isEqualTo(3);
    }
    assertThat(kept.meterRegistry()).as("no registry given: no meters").isEmpty();
  }

  @Test
  void fromReturnsTheConfigAndTheWorkerIdIsReadWhenTheGeneratorIsBuilt() {
    IdGeneratorConfig config = IdGeneratorConfig.from(Settings.empty());
    assertThat(config.layout()).isEqualTo(IdLayout.DEFAULT);
    assertThatThrownBy(() -> IdGenerator.create(config))
        .isInstanceOf(NoWorkerIdAvailableException.class)
        .hasMessageStartingWith("HEADROOM_IDGEN_WORKER_ID is not set");
  }

  @Test
  void badSettingsNameTheirKey() {
    assertThatThrownBy(
            () -> IdGeneratorConfig.from(Settings.of(Map.of("HEADROOM_IDGEN_LAYOUT", "41-10-12"))))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("HEADROOM_IDGEN_LAYOUT")
        .hasMessageContaining("41/10/12");
    assertThatThrownBy(
            () -> IdGeneratorConfig.from(Settings.of(Map.of("HEADROOM_IDGEN_LAYOUT", "41/10/13"))))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("must be 63");
    assertThatThrownBy(
            () -> IdGeneratorConfig.from(Settings.of(Map.of("HEADROOM_IDGEN_EPOCH", "2024"))))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("HEADROOM_IDGEN_EPOCH");
    assertThatThrownBy(
            () ->
                IdGeneratorConfig.from(
                    Settings.of(Map.of("HEADROOM_IDGEN_CLOCK_BACKWARDS_MAX_WAIT", "5s"))))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("maxWait must be <= 1s");
    assertThatThrownBy(
            () ->
                IdGeneratorConfig.from(
                    Settings.of(Map.of("HEADROOM_IDGEN_WALL_CLOCK_CHECK_INTERVAL", "0s"))))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("HEADROOM_IDGEN_WALL_CLOCK_CHECK_INTERVAL=0s");
    assertThatThrownBy(() -> IdGeneratorConfig.builder().name("a b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'a b'");
  }

  @Test
  void buildWithoutAWorkerIdProviderSaysWhichToPick() {
    assertThatThrownBy(() -> IdGeneratorConfig.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("workerIdProvider is required");
  }

  @Test
  void toBuilderKeepsEverySetting() {
    FakeTicker time = new FakeTicker(Instant.parse("2025-03-01T00:00:00Z"));
    IdGeneratorConfig config =
        IdGeneratorConfig.builder()
            .name("orders")
            .workerId(3)
            .ticker(time)
            .instantSource(time)
            .clockBackwardsPolicy(ClockBackwardsPolicy.failFast())
            .build();
    IdGeneratorConfig copy = config.toBuilder().build();
    assertThat(copy.name()).isEqualTo("orders");
    assertThat(copy.clockBackwardsPolicy()).isEqualTo(ClockBackwardsPolicy.failFast());
    assertThat(copy.ticker()).isSameAs(time);
    assertThat(copy.workerIdProvider()).isSameAs(config.workerIdProvider());
  }
}
