package io.headroom.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.Settings;
import io.headroom.core.SettingsException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsAndTiersTest {

  @Test
  void presetsMatchTheReferenceApps() {
    assertThat(RateLimitPreset.AUTH.limits())
        .containsExactly(Limit.perMinute(5), Limit.of(5, Duration.ofMinutes(15)));
    assertThat(RateLimitPreset.API.limits()).containsExactly(Limit.perMinute(100));
    assertThat(RateLimitPreset.READ.limits()).containsExactly(Limit.perMinute(1000));
    assertThat(RateLimitPreset.WRITE.limits()).containsExactly(Limit.perMinute(20));
    assertThat(RateLimitPreset.EXPENSIVE.limits()).containsExactly(Limit.perHour(5));
    assertThat(RateLimitPreset.PREMIUM.limits()).containsExactly(Limit.perMinute(1000));
  }

  @Test
  void defaultTiersScaleThePresetsAndAdminIsUnlimited() {
    TierTable t = TierTable.defaults();
    assertThat(t.limits(Tier.FREE, RateLimitPreset.API)).containsExactly(Limit.perMinute(100));
    assertThat(t.limits(Tier.PRO, RateLimitPreset.API)).containsExactly(Limit.perMinute(500));
    assertThat(t.limits(Tier.PREMIUM, RateLimitPreset.API)).containsExactly(Limit.perMinute(1000));
    assertThat(t.limits(Tier.PREMIUM, RateLimitPreset.AUTH))
        .containsExactly(Limit.perMinute(50), Limit.of(50, Duration.ofMinutes(15)));
    assertThat(t.limits(Tier.ADMIN, RateLimitPreset.EXPENSIVE)).isEmpty();
  }

  @Test
  void tierTableComesFromSettings() {
    TierTable t =
        TierTable.from(
            Settings.of(
                Map.of(
                    "HEADROOM_RATELIMIT_TIER_PRO_MULTIPLIER", "2",
                    "HEADROOM_RATELIMIT_TIER_FREE_WRITE", "10/1m, 100/1h",
                    "HEADROOM_RATELIMIT_TIER_PREMIUM_EXPENSIVE", "unlimited")));
    assertThat(t.limits(Tier.PRO, RateLimitPreset.READ)).containsExactly(Limit.perMinute(2000));
    assertThat(t.limits(Tier.FREE, RateLimitPreset.WRITE))
        .containsExactly(Limit.perMinute(10), Limit.perHour(100));
    assertThat(t.limits(Tier.PREMIUM, RateLimitPreset.EXPENSIVE)).isEmpty();
  }

  @Test
  void tierErrorsNameTheKeyAndTheValue() {
    assertThatThrownBy(
            () -> TierTable.from(Settings.of(Map.of("HEADROOM_RATELIMIT_TIER_PRO_API", "lots"))))
        .isInstanceOf(SettingsException.class)
        .hasMessageStartingWith("HEADROOM_RATELIMIT_TIER_PRO_API=lots: ");
    assertThatThrownBy(
            () -> TierTable.from(Settings.of(Map.of("HEADROOM_RATELIMIT_TIER_FREE_API", "0/1m"))))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("HEADROOM_RATELIMIT_TIER_FREE_API=0/1m")
        .hasMessageContaining("permits must be in [1, 1000000000]: 0");
    assertThatThrownBy(
            () -> TierTable.from(Settings.of(Map.of("HEADROOM_RATELIMIT_TIER_FREE_API", "5/0s"))))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("HEADROOM_RATELIMIT_TIER_FREE_API=5/0s")
        .hasMessageContaining("window must be in [1ms, 31d]: PT0S");
    assertThatThrownBy(
            () ->
                TierTable.from(Settings.of(Map.of("HEADROOM_RATELIMIT_TIER_PRO_MULTIPLIER", "-1"))))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("HEADROOM_RATELIMIT_TIER_PRO_MULTIPLIER=-1");
  }

  @Test
  void limiterSettingsOverrideTheBuilder() {
    RateLimiter.Builder b =
        RateLimiter.builder("orders-api")
            .preset(RateLimitPreset.API)
            .settings(
                Settings.of(
                    Map.of(
                        "HEADROOM_RATELIMIT_ORDERS_API_LIMITS", "10/s,1000/1h",
                        "HEADROOM_RATELIMIT_ORDERS_API_FAILURE_POLICY", "fail-closed",
                        "HEADROOM_RATELIMIT_ORDERS_API_FALLBACK_FRACTION", "0.25",
                        "HEADROOM_RATELIMIT_ORDERS_API_SHADOW", "true")));
    assertThat(b.limits).containsExactly(Limit.perSecond(10), Limit.perHour(1000));
    assertThat(b.failurePolicy).isEqualTo(FailurePolicy.FAIL_CLOSED);
    assertThat(b.localFallbackFraction).isEqualTo(0.25);
    assertThat(b.shadow).isTrue();
    assertThat(b.build().limits()).hasSize(2);
  }

  @Test
  void limiterSettingErrorsNameTheKeyAndTheValue() {
    assertThatThrownBy(
            () ->
                RateLimiter.builder("api")
                    .settings(
                        Settings.of(Map.of("HEADROOM_RATELIMIT_API_FAILURE_POLICY", "maybe"))))
        .isInstanceOf(SettingsException.class)
        .hasMessageStartingWith("HEADROOM_RATELIMIT_API_FAILURE_POLICY=maybe: expected one of");
    assertThatThrownBy(
            () ->
                RateLimiter.builder("api")
                    .settings(
                        Settings.of(Map.of("HEADROOM_RATELIMIT_API_FALLBACK_FRACTION", "1.5"))))
        .isInstanceOf(SettingsException.class)
        .hasMessageStartingWith("HEADROOM_RATELIMIT_API_FALLBACK_FRACTION=1.5");
    assertThatThrownBy(
            () ->
                RateLimiter.builder("api")
                    .settings(Settings.of(Map.of("HEADROOM_RATELIMIT_API_LIMITS", "5/1m,5/1m"))))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("given twice");
  }

  @Test
  void limitsParseAndValidate() {
    assertThat(Limit.parse("100/1m")).isEqualTo(Limit.perMinute(100));
    assertThat(Limit.parse(" 5 / 15m ")).isEqualTo(Limit.of(5, Duration.ofMinutes(15)));
    assertThat(Limit.parse("10/s")).isEqualTo(Limit.perSecond(10));
    assertThat(Limit.parse("3/PT30S")).isEqualTo(Limit.of(3, Duration.ofSeconds(30)));
    assertThat(Limit.parse(Limit.perHour(7).toString())).isEqualTo(Limit.perHour(7));
    assertThat(Limit.of(7, Duration.ofSeconds(1)).emissionIntervalMicros()).isEqualTo(142_858);
    assertThatThrownBy(() -> Limit.parse("100")).hasMessageContaining("'100'");
    assertThatThrownBy(() -> Limit.parse("x/1m")).hasMessageContaining("'x/1m'");
    assertThatThrownBy(() -> Limit.parse("5/forever")).hasMessageContaining("'5/forever'");
    assertThatThrownBy(() -> Limit.of(5, Duration.ofDays(40)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT960H");
  }

  @Test
  void builderRejectsBadValues() {
    assertThatThrownBy(() -> RateLimiter.builder("has space"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'has space'");
    assertThatThrownBy(() -> RateLimiter.builder("x").localFallbackFraction(0))
        .hasMessageContaining("localFallbackFraction must be in (0, 1]: 0.0");
    assertThatThrownBy(
            () -> RateLimiter.builder("x").limits(Limit.perMinute(1), Limit.perMinute(1)))
        .hasMessageContaining("given twice");
    assertThatThrownBy(() -> RateLimiter.builder("x").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("has no limits");
    assertThat(RateLimiter.builder("x").limits(List.of()).build().tryAcquire("k").reason())
        .isEqualTo(Decision.Reason.UNLIMITED);
  }

  @Test
  void decisionRejectsContradictions() {
    assertThatThrownBy(
            () ->
                new Decision(
                    true,
                    0,
                    1,
                    Duration.ZERO,
                    Duration.ZERO,
                    "p",
                    Decision.Reason.DENIED,
                    null,
                    List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("allowed=true contradicts reason DENIED");
  }
}
