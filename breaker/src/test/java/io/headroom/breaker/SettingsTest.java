package io.headroom.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.Settings;
import io.headroom.core.SettingsException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

  @Test
  void prefixUpperCasesTheNameAndReplacesOtherCharacters() {
    assertThat(BreakerConfig.settingsPrefix("payments")).isEqualTo("HEADROOM_BREAKER_PAYMENTS_");
    assertThat(BreakerConfig.settingsPrefix("orders-db.replica_2"))
        .isEqualTo("HEADROOM_BREAKER_ORDERS_DB_REPLICA_2_");
    // one naming rule in every module (Settings.checkName)
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> BreakerRegistry.create().breaker("orders db", BreakerPreset.DATABASE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'orders db'");
  }

  @Test
  void everyKeyOverridesThePreset() {
    Settings s =
        Settings.of(
            Map.ofEntries(
                Map.entry("HEADROOM_BREAKER_PAYMENTS_ENABLED", "true"),
                Map.entry("HEADROOM_BREAKER_PAYMENTS_WINDOW_TYPE", "count-based"),
                Map.entry("HEADROOM_BREAKER_PAYMENTS_WINDOW_SIZE", "40"),
                Map.entry("HEADROOM_BREAKER_PAYMENTS_MINIMUM_CALLS", "8"),
                Map.entry("HEADROOM_BREAKER_PAYMENTS_FAILURE_RATE", "40"),
                Map.entry("HEADROOM_BREAKER_PAYMENTS_FAILURE_COUNT", "7"),
                Map.entry("HEADROOM_BREAKER_PAYMENTS_FAILURE_COUNT_WINDOW", "45s"),
                Map.entry("HEADROOM_BREAKER_PAYMENTS_SLOW_CALL_DURATION", "1500ms"),
                Map.entry("HEADROOM_BREAKER_PAYMENTS_SLOW_CALL_RATE", "60"),
                Map.entry("HEADROOM_BREAKER_PAYMENTS_OPEN_WAIT", "3s"),
                Map.entry("HEADROOM_BREAKER_PAYMENTS_OPEN_WAIT_MULTIPLIER", "1.5"),
                Map.entry("HEADROOM_BREAKER_PAYMENTS_OPEN_WAIT_MAX", "1m"),
                Map.entry("HEADROOM_BREAKER_PAYMENTS_HALF_OPEN_CALLS", "4"),
                Map.entry("HEADROOM_BREAKER_PAYMENTS_CALL_TIMEOUT", "45s"),
                Map.entry("HEADROOM_BREAKER_OTHER_FAILURE_RATE", "99")));

    BreakerConfig c = BreakerConfig.from(s, "payments", BreakerPreset.PAYMENT_API);

    assertThat(c.preset()).isEqualTo(BreakerPreset.PAYMENT_API);
    assertThat(c.enabled()).isTrue();
    assertThat(c.windowType()).isEqualTo(BreakerConfig.WindowType.COUNT_BASED);
    assertThat(c.windowSize()).isEqualTo(40);
    assertThat(c.minimumCalls()).isEqualTo(8);
    assertThat(c.failureRateThreshold()).isEqualTo(40.0);
    assertThat(c.failureCountThreshold()).isEqualTo(7);
    assertThat(c.failureCountWindow()).isEqualTo(Duration.ofSeconds(45));
    assertThat(c.slowCallDuration()).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.slowCallRateThreshold()).isEqualTo(60.0);
    assertThat(c.openWait()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.openWaitMultiplier()).isEqualTo(1.5);
    assertThat(c.openWaitMax()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.halfOpenCalls()).isEqualTo(4);
    assertThat(c.callTimeout()).isEqualTo(Duration.ofSeconds(45));
    assertThat(c.recordException()).isSameAs(BreakerPreset.PAYMENT_API.config().recordException());
  }

  @Test
  void absentKeysKeepThePreset() {
    assertThat(BreakerConfig.from(Settings.empty(), "db", BreakerPreset.DATABASE))
        .isEqualTo(BreakerPreset.DATABASE.config());
  }

  @Test
  void registryAppliesOverridesFromItsSettings() {
    BreakerRegistry r =
        BreakerRegistry.builder()
            .settings(
                Settings.of(
                    Map.of(
                        "HEADROOM_BREAKER_ORDERS_DB_FAILURE_RATE", "25",
                        "HEADROOM_BREAKER_ORDERS_DB_ENABLED", "false")))
            .build();
    Breaker b = r.breaker("orders-db", BreakerPreset.DATABASE);
    assertThat(b.config().failureRateThreshold()).isEqualTo(25.0);
    assertThat(b.state()).isEqualTo(BreakerState.DISABLED);
  }

  @Test
  void callTimeoutOfZeroSwitchesTheAsyncTimeoutOff() {
    BreakerConfig c =
        BreakerConfig.from(
            Settings.of(Map.of("HEADROOM_BREAKER_PAYMENTS_CALL_TIMEOUT", "0")),
            "payments",
            BreakerPreset.PAYMENT_API);
    assertThat(c.callTimeout()).isZero();
    assertThat(c).isNotEqualTo(BreakerPreset.PAYMENT_API.config());
  }

  @Test
  void malformedNumberNamesKeyAndValue() {
    assertBad("FAILURE_RATE", "abc", "HEADROOM_BREAKER_PAYMENTS_FAILURE_RATE=abc");
  }

  @Test
  void outOfRangeValuesNameKeyAndValue() {
    assertBad("FAILURE_RATE", "0", "HEADROOM_BREAKER_PAYMENTS_FAILURE_RATE=0", "[1.0, 100.0]");
    assertBad("FAILURE_RATE", "101", "HEADROOM_BREAKER_PAYMENTS_FAILURE_RATE=101");
    assertBad("WINDOW_SIZE", "0", "HEADROOM_BREAKER_PAYMENTS_WINDOW_SIZE=0");
    assertBad("MINIMUM_CALLS", "-1", "HEADROOM_BREAKER_PAYMENTS_MINIMUM_CALLS=-1");
    assertBad("FAILURE_COUNT", "5000", "HEADROOM_BREAKER_PAYMENTS_FAILURE_COUNT=5000");
    assertBad("FAILURE_COUNT_WINDOW", "0s", "HEADROOM_BREAKER_PAYMENTS_FAILURE_COUNT_WINDOW=0s");
    assertBad("SLOW_CALL_DURATION", "0ms", "HEADROOM_BREAKER_PAYMENTS_SLOW_CALL_DURATION=0ms");
    assertBad("SLOW_CALL_RATE", "0.5", "HEADROOM_BREAKER_PAYMENTS_SLOW_CALL_RATE=0.5");
    assertBad("OPEN_WAIT", "0s", "HEADROOM_BREAKER_PAYMENTS_OPEN_WAIT=0s");
    assertBad("OPEN_WAIT_MULTIPLIER", "0.5", "HEADROOM_BREAKER_PAYMENTS_OPEN_WAIT_MULTIPLIER=0.5");
    assertBad("HALF_OPEN_CALLS", "0", "HEADROOM_BREAKER_PAYMENTS_HALF_OPEN_CALLS=0");
    assertBad("CALL_TIMEOUT", "-1s", "HEADROOM_BREAKER_PAYMENTS_CALL_TIMEOUT=-1s");
    assertBad("CALL_TIMEOUT", "2h", "HEADROOM_BREAKER_PAYMENTS_CALL_TIMEOUT=2h", "PT1H");
    assertBad("CALL_TIMEOUT", "later", "HEADROOM_BREAKER_PAYMENTS_CALL_TIMEOUT=later");
  }

  @Test
  void malformedDurationsBooleansAndEnumsNameKeyAndValue() {
    assertBad("OPEN_WAIT", "soon", "HEADROOM_BREAKER_PAYMENTS_OPEN_WAIT=soon");
    assertBad("ENABLED", "maybe", "HEADROOM_BREAKER_PAYMENTS_ENABLED=maybe");
    assertBad("WINDOW_TYPE", "sliding", "HEADROOM_BREAKER_PAYMENTS_WINDOW_TYPE=sliding");
  }

  @Test
  void maxWaitBelowWaitIsRejectedNamingTheKey() {
    assertBad("OPEN_WAIT_MAX", "1s", "HEADROOM_BREAKER_PAYMENTS_OPEN_WAIT_MAX=1s", "OPEN_WAIT");
  }

  @Test
  void registryFailsAtBuildTimeOnABadOverride() {
    BreakerRegistry r =
        BreakerRegistry.builder()
            .settings(Settings.of(Map.of("HEADROOM_BREAKER_REDIS_HALF_OPEN_CALLS", "lots")))
            .build();
    assertThatThrownBy(() -> r.breaker("redis", BreakerPreset.REDIS))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("HEADROOM_BREAKER_REDIS_HALF_OPEN_CALLS=lots");
    assertThat(r.find("redis")).isEmpty();
  }

  @Test
  void builderRejectsBadValuesNamingTheParameter() {
    assertThatThrownBy(() -> BreakerConfig.builder().failureRateThreshold(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("failureRateThreshold")
        .hasMessageContaining("0.0");
    assertThatThrownBy(() -> BreakerConfig.builder().halfOpenCalls(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("halfOpenCalls");
    assertThatThrownBy(
            () ->
                BreakerConfig.builder()
                    .openWait(Duration.ofSeconds(10))
                    .openWaitMax(Duration.ofSeconds(5))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("openWaitMax");
    assertThatThrownBy(() -> BreakerConfig.builder().ignoreExceptions(String.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("String");
    assertThatThrownBy(() -> BreakerConfig.settingsPrefix(" "))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void assertBad(String key, String value, String... fragments) {
    Settings s = Settings.of(Map.of("HEADROOM_BREAKER_PAYMENTS_" + key, value));
    assertThatThrownBy(() -> BreakerConfig.from(s, "payments", BreakerPreset.PAYMENT_API))
        .isInstanceOfSatisfying(
            SettingsException.class,
            e -> {
              assertThat(e.key()).isEqualTo("HEADROOM_BREAKER_PAYMENTS_" + key);
              assertThat(e.value()).isEqualTo(value);
              for (String f : fragments) {
                assertThat(e.getMessage()).contains(f);
              }
            });
  }
}
