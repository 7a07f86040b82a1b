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

  private static final Settings ORDERS =
      Settings.of(
          Map.of(
              "HEADROOM_RATELIMIT_ORDERS_API_LIMITS", "10/s,1000/1h",
              "HEADROOM_RATELIMIT_ORDERS_API_FAILURE_POLICY", "fail-closed",
              "HEADROOM_RATELIMIT_ORDERS_API_FALLBACK_FRACTION", "0.25",
              "HEADROOM_RATELIMIT_ORDERS_API_SHADOW", "true",
              "HEADROOM_RATELIMIT_ORDERS_API_MAX_KEYS", "7"));

  @Test
  void settingsWinOverTheCodeWhenGivenFirst() {
    RateLimiter.Builder b =
        RateLimiter.builder("orders-api")
            .settings(ORDERS)
            .preset(RateLimitPreset.API)
            .failurePolicy(FailurePolicy.FAIL_OPEN)
            .localFallbackFraction(0.5)
            .shadow(false)
            .maxLocalKeys(99);
    assertThat(b.build().limits()).containsExactly(Limit.perSecond(10), Limit.perHour(1000));
    assertThat(b.failurePolicy).isEqualTo(FailurePolicy.FAIL_CLOSED);
    assertThat(b.localFallbackFraction).isEqualTo(0.25);
    assertThat(b.shadow).isTrue();
    assertThat(b.maxLocalKeys).isEqualTo(7);
  }

  @Test
  void settingsWinOverTheCodeWhenGivenLast() {
    RateLimiter.Builder b =
        RateLimiter.builder("orders-api")
            .preset(RateLimitPreset.API)
            .failurePolicy(FailurePolicy.FAIL_OPEN)
            .localFallbackFraction(0.5)
            .settings(ORDERS);
    assertThat(b.build().limits()).containsExactly(Limit.perSecond(10), Limit.perHour(1000));
    assertThat(b.failurePolicy).isEqualTo(FailurePolicy.FAIL_CLOSED);
    assertThat(b.localFallbackFraction).isEqualTo(0.25);
  }

  @Test
  void absentKeysLeaveTheCodeAndALaterSettingsReplacesTheEarlier() {
    RateLimiter.Builder b =
        RateLimiter.builder("orders-api")
            .preset(RateLimitPreset.API)
            .failurePolicy(FailurePolicy.FAIL_OPEN)
            .settings(ORDERS)
            .settings(Settings.of(Map.of("HEADROOM_RATELIMIT_ORDERS_API_SHADOW", "yes")));
    assertThat(b.build().limits()).containsExactly(Limit.perMinute(100));
    assertThat(b.failurePolicy).isEqualTo(FailurePolicy.FAIL_OPEN);
    assertThat(b.shadow).isTrue();
  }

  @Test
  void settingsAloneMaySupplyTheLimits() {
    RateLimiter limiter =
        RateLimiter.builder("orders-api")
            .settings(Settings.of(Map.of("HEADROOM_RATELIMIT_ORDERS_API_LIMITS", "unlimited")))
            .build();
    assertThat(limiter.tryAcquire("k").reason()).isEqualTo(Decision.Reason.UNLIMITED);
  }

  @Test
  void limiterSettingErrorsNameTheKeyAndTheValueAtBuild() {
    RateLimiter.Builder policy =
        RateLimiter.builder("api")
            .preset(RateLimitPreset.API)
            .settings(Settings.of(Map.of("HEADROOM_RATELIMIT_API_FAILURE_POLICY", "maybe")));
    assertThatThrownBy(policy::build)
        .isInstanceOf(SettingsException.class)
        .hasMessage(
            "HEADROOM_RATELIMIT_API_FAILURE_POLICY=maybe: expected one of FAIL_OPEN, FAIL_CLOSED,"
                + " LOCAL_FALLBACK");
    RateLimiter.Builder fraction =
        RateLimiter.builder("api")
            .preset(RateLimitPreset.API)
            .settings(Settings.of(Map.of("HEADROOM_RATELIMIT_API_FALLBACK_FRACTION", "1.5")));
    assertThatThrownBy(fraction::build)
        .isInstanceOf(SettingsException.class)
        .hasMessage(
            "HEADROOM_RATELIMIT_API_FALLBACK_FRACTION=1.5:"
                + " localFallbackFraction must be in (0, 1]: 1.5");
    RateLimiter.Builder maxKeys =
        RateLimiter.builder("api")
            .preset(RateLimitPreset.API)
            .settings(Settings.of(Map.of("HEADROOM_RATELIMIT_API_MAX_KEYS", "0")));
    assertThatThrownBy(maxKeys::build)
        .isInstanceOf(SettingsException.class)
        .hasMessage("HEADROOM_RATELIMIT_API_MAX_KEYS=0: maxLocalKeys must be > 0: 0");
    RateLimiter.Builder twice =
        RateLimiter.builder("api")
            .settings(Settings.of(Map.of("HEADROOM_RATELIMIT_API_LIMITS", "5/1m,5/1m")));
    assertThatThrownBy(twice::build)
        .isInstanceOf(SettingsException.class)
        .hasMessageStartingWith("HEADROOM_RATELIMIT_API_LIMITS=5/1m,5/1m: ")
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
        .hasMessage("name must be 1 to 64 characters from [A-Za-z0-9_.-]: 'has space'");
    assertThatThrownBy(() -> RateLimiter.builder(nullName()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("name must not be null");
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
  void decisionOfChecksItsArguments() {
    Limit l = Limit.perMinute(10);
    List<Limit> all = List.of(l);
    assertThatThrownBy(
            () ->
                Decision.of(Decision.Reason.DENIED, "p", all, l, -1, Duration.ZERO, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("remaining");
    assertThatThrownBy(
            () ->
                Decision.of(
                    Decision.Reason.DENIED, "p", all, l, 0, Duration.ofSeconds(-1), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("resetAfter");
    assertThatThrownBy(
            () ->
                Decision.of(
                    Decision.Reason.DENIED, "p", all, null, 0, Duration.ZERO, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a DENIED decision needs its binding limit");
    assertThatThrownBy(
            () ->
                Decision.of(
                    Decision.Reason.ALLOWED,
                    "p",
                    all,
                    Limit.perHour(10),
                    0,
                    Duration.ZERO,
                    Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not one of the limits");
    assertThatThrownBy(
            () ->
                Decision.of(
                    Decision.Reason.UNLIMITED, "p", all, l, 0, Duration.ZERO, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                Decision.of(
                    Decision.Reason.ALLOWED, nullName(), all, l, 0, Duration.ZERO, Duration.ZERO))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("policy must not be null");
  }

  @Test
  void decisionIsAValue() {
    Limit l = Limit.perMinute(10);
    Decision a =
        Decision.of(
            Decision.Reason.DENIED,
            "api",
            List.of(l),
            l,
            0,
            Duration.ofSeconds(6),
            Duration.ofSeconds(6));
    Decision b =
        Decision.of(
            Decision.Reason.DENIED,
            "api",
            new java.util.ArrayList<>(List.of(l)),
            l,
            0,
            Duration.ofSeconds(6),
            Duration.ofSeconds(6));
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a.allowed()).isFalse();
    assertThat(a.limit()).isEqualTo(10);
    assertThat(a.deniedBy()).contains(l);
    assertThat(a)
        .isNotEqualTo(
            Decision.of(
                Decision.Reason.DENIED,
                "api",
                List.of(l),
                l,
                0,
                Duration.ofSeconds(6),
                Duration.ofSeconds(5)));
    assertThat(a.toString())
        .isEqualTo(
            "Decision{DENIED, policy=api, remaining=0, limit=10, resetAfter=PT6S,"
                + " retryAfter=PT6S, binding=10/PT1M, limits=[10/PT1M]}");
    Decision u = Decision.unlimited("admin");
    assertThat(u.allowed()).isTrue();
    assertThat(u.binding()).isNull();
    assertThat(u.limit()).isEqualTo(Long.MAX_VALUE);
    assertThat(u).isEqualTo(Decision.unlimited("admin"));
  }

  @SuppressWarnings("NullAway")
  private static String nullName() {
    return null;
  }
}
