package io.headroom.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The shared settings contract: names, prefixes, overrides, positive readers and renamed keys. */
class SettingsContractTest {

  @Test
  void componentNamesFollowOneRule() {
    assertThat(Settings.checkName("user-profiles.v2_A")).isEqualTo("user-profiles.v2_A");
    assertThat(Settings.checkName("x".repeat(64))).hasSize(64);
    for (String bad : List.of("", "a b", "{tag}", "a:b", "x".repeat(65), "é")) {
      assertThatThrownBy(() -> Settings.checkName(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("[A-Za-z0-9_.-]")
          .hasMessageContaining("'" + bad + "'");
    }
    String absent = System.getProperty("headroom.test.absent-property");
    assertThatThrownBy(() -> Settings.checkName(absent)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void prefixesAreHeadroomModuleNameProperty() {
    assertThat(Settings.modulePrefix("redis")).isEqualTo("HEADROOM_REDIS_");
    assertThat(Settings.componentPrefix("cache", "user-profiles.v2"))
        .isEqualTo("HEADROOM_CACHE_USER_PROFILES_V2_");
    Settings s = Settings.of(Map.of("HEADROOM_CACHE_LINKS_LOCAL_TTL", "5m"));
    assertThat(s.forComponent("cache", "links").getDuration("LOCAL_TTL", Duration.ZERO))
        .isEqualTo(Duration.ofMinutes(5));
    assertThat(s.forComponent("cache", "links").fullKey("X")).isEqualTo("HEADROOM_CACHE_LINKS_X");
    assertThat(s.forModule("cache").fullKey("X")).isEqualTo("HEADROOM_CACHE_X");
    assertThatThrownBy(() -> Settings.modulePrefix("a_b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'a_b'");
    assertThatThrownBy(() -> s.forComponent("cache", "a b"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void overrideAppliesOnlyPresentValuesAndNamesKeyAndValueWhenTheSetterRefuses() {
    Settings s =
        Settings.of(Map.of("P_SIZE", "12", "P_NEG", "-3", "P_BAD", "x", "P_SECRET_TOKEN", "s3"));
    List<Integer> seen = new ArrayList<>();
    assertThat(s.override("P_SIZE", Settings.INT, seen::add)).isTrue();
    assertThat(s.override("P_ABSENT", Settings.INT, seen::add)).isFalse();
    assertThat(seen).containsExactly(12);

    assertThatThrownBy(() -> s.override("P_NEG", Settings.INT, SettingsContractTest::positive))
        .isInstanceOf(SettingsException.class)
        .hasMessage("P_NEG=-3: size must be > 0: -3")
        .hasCauseInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> s.override("P_BAD", Settings.INT, seen::add))
        .isInstanceOf(SettingsException.class)
        .hasMessage("P_BAD=x: expected an integer");
    // a setter's message may repeat a secret: it is replaced
    assertThatThrownBy(
            () ->
                s.override(
                    "P_SECRET_TOKEN",
                    Settings.STRING,
                    v -> {
                      throw new IllegalArgumentException("bad token " + v);
                    }))
        .isInstanceOf(SettingsException.class)
        .hasMessageNotContaining("s3")
        .hasNoCause();
  }

  private static void positive(int v) {
    Checks.argument(v > 0, "size must be > 0: %s", v);
  }

  @Test
  void applyTurnsASetterRefusalIntoASettingsException() {
    Settings s = Settings.of(Map.of("K", "7"));
    assertThatThrownBy(() -> s.apply("K", () -> positive(-1)))
        .isInstanceOf(SettingsException.class)
        .hasMessage("K=7: size must be > 0: -1");
  }

  @Test
  void positiveReadersRefuseZeroAndNegatives() {
    Settings s = Settings.of(Map.of("Z", "0", "N", "-1", "D0", "0s", "D", "2s", "I", "3"));
    assertThat(s.getPositiveInt("I", 1)).isEqualTo(3);
    assertThat(s.getPositiveInt("ABSENT", 9)).isEqualTo(9);
    assertThat(s.getPositiveDuration("D", Duration.ZERO)).isEqualTo(Duration.ofSeconds(2));
    assertThatThrownBy(() -> s.getPositiveInt("Z", 1)).hasMessage("Z=0: expected an integer > 0");
    assertThatThrownBy(() -> s.getPositiveInt("N", 1)).hasMessage("N=-1: expected an integer > 0");
    assertThatThrownBy(() -> s.getPositiveDuration("D0", Duration.ofSeconds(1)))
        .hasMessage("D0=0s: expected a duration > 0");
    assertThatThrownBy(() -> s.getPositiveDuration("N", Duration.ofSeconds(1)))
        .isInstanceOf(SettingsException.class)
        .hasMessageStartingWith("N=-1: expected a duration");
  }

  @Test
  void renamedKeysFallBackToTheOldNameAndTheNewNameWins() {
    AtomicInteger reads = new AtomicInteger();
    Map<String, String> values = new HashMap<>(Map.of("HEADROOM_WORKER_ID", "7"));
    Settings s =
        Settings.from(
                k -> {
                  reads.incrementAndGet();
                  return values.get(k);
                })
            .withRenamedKey("HEADROOM_WORKER_ID", "HEADROOM_IDGEN_WORKER_ID");
    assertThat(s.getInt("HEADROOM_IDGEN_WORKER_ID", -1)).isEqualTo(7);
    assertThat(s.forModule("idgen").getInt("WORKER_ID", -1)).isEqualTo(7);
    values.put("HEADROOM_IDGEN_WORKER_ID", "9");
    assertThat(s.getInt("HEADROOM_IDGEN_WORKER_ID", -1)).isEqualTo(9);
    // other keys read through unchanged
    assertThat(s.getInt("HEADROOM_WORKER_ID", -1)).isEqualTo(7);
    assertThat(s.get("OTHER")).isEmpty();
    assertThat(reads.get()).isPositive();
  }

  @Test
  void parsersAreSharedWithTheGetters() {
    Settings s = Settings.of(Map.of("E", "fail-open", "B", "off"));
    enum Mode {
      FAIL_OPEN,
      FAIL_CLOSED
    }
    assertThat(s.get("E", Settings.enumOf(Mode.class), Mode.FAIL_CLOSED)).isEqualTo(Mode.FAIL_OPEN);
    assertThat(s.getBoolean("B", true)).isFalse();
    assertThatThrownBy(() -> Settings.POSITIVE_DURATION.parse("0"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
