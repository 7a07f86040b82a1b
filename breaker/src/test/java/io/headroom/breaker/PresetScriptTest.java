package io.headroom.breaker;

import static io.headroom.breaker.Scripts.fail;
import static io.headroom.breaker.Scripts.succeed;
import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.testkit.FakeTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every preset against the same scripted failure sequences, with its own numbers. */
class PresetScriptTest {
  private final FakeTicker time = new FakeTicker();
  private final BreakerRegistry registry = BreakerRegistry.builder().ticker(time).build();

  @ParameterizedTest
  @EnumSource(BreakerPreset.class)
  void countRuleTripsOnTheThresholdthFailureInsideTheWindow(BreakerPreset preset) {
    BreakerConfig c = preset.config();
    Breaker b = registry.breaker("count-" + preset, preset);
    int n = c.failureCountThreshold();
    Duration gap = c.failureCountWindow().dividedBy(n); // n failures span (n-1)/n of the window
    for (int i = 1; i < n; i++) {
      fail(b);
      time.advance(gap);
      assertThat(b.state()).as("after %s of %s failures", i, n).isEqualTo(BreakerState.CLOSED);
    }
    fail(b);
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    assertThat(n)
        .as("count rule must fire below the rate rule's minimum")
        .isLessThanOrEqualTo(c.minimumCalls());
  }

  @ParameterizedTest
  @EnumSource(BreakerPreset.class)
  void rateRuleTripsAtTheMinimumNumberOfCalls(BreakerPreset preset) {
    BreakerConfig c = preset.config();
    Breaker b = registry.breaker("rate-" + preset, preset);
    int calls = c.minimumCalls();
    int failures = (int) Math.ceil(calls * c.failureRateThreshold() / 100);
    // Space the failures so that the count rule cannot fire: any failureCountThreshold of them
    // span more than its window.
    Duration gap =
        c.failureCountWindow().dividedBy(Math.max(1, c.failureCountThreshold() - 1)).plusSeconds(1);
    for (int i = 0; i < failures; i++) {
      fail(b);
      time.advance(gap);
    }
    for (int i = failures; i < calls - 1; i++) {
      succeed(b);
    }
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);
    succeed(b);
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    assertThat(b.snapshot().failureRate()).isGreaterThanOrEqualTo(c.failureRateThreshold());
  }

  @ParameterizedTest
  @EnumSource(BreakerPreset.class)
  void openWaitHalfOpenTrialsAndBackoffFollowThePreset(BreakerPreset preset) {
    BreakerConfig c = preset.config();
    Breaker b = registry.breaker("open-" + preset, preset);
    for (int i = 0; i < c.failureCountThreshold(); i++) {
      fail(b);
    }
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    assertThat(retryAfter(b)).isEqualTo(c.openWait());

    time.advance(c.openWait());
    assertThat(b.tryAcquirePermission()).as("not before the wait has passed").isFalse();
    time.advance(Duration.ofMillis(1));
    for (int i = 0; i < c.halfOpenCalls(); i++) {
      assertThat(b.tryAcquirePermission()).as("trial %s", i).isTrue();
    }
    assertThat(b.tryAcquirePermission()).as("one trial too many").isFalse();
    for (int i = 0; i < c.halfOpenCalls(); i++) {
      b.onError(1_000, new Scripts.Boom());
    }
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    assertThat(retryAfter(b)).isEqualTo(c.openWait(2));
    assertThat(c.openWait(2)).isGreaterThan(c.openWait());
    assertThat(c.openWait(50)).isEqualTo(c.openWaitMax());
  }

  @ParameterizedTest
  @EnumSource(BreakerPreset.class)
  void slowCallsAloneTripAtTheSlowRate(BreakerPreset preset) {
    BreakerConfig c = preset.config();
    Breaker b = registry.breaker("slow-" + preset, preset);
    int calls = c.minimumCalls();
    int slow = (int) Math.ceil(calls * c.slowCallRateThreshold() / 100);
    for (int i = 0; i < calls - slow; i++) {
      succeed(b);
    }
    for (int i = 0; i < slow - 1; i++) {
      Scripts.slow(b, time, c.slowCallDuration().plusMillis(1));
    }
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);
    Scripts.slow(b, time, c.slowCallDuration().plusMillis(1));
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
  }

  @Test
  void presetsAreSane() {
    for (BreakerPreset p : BreakerPreset.values()) {
      BreakerConfig c = p.config();
      assertThat(c.preset()).isEqualTo(p);
      assertThat(c.failureCountThreshold()).isPositive();
      assertThat(c.openWaitMax()).isGreaterThanOrEqualTo(c.openWait());
      assertThat(c.openWaitMultiplier()).isGreaterThan(1);
      assertThat(c.toBuilder().build()).isEqualTo(c).hasSameHashCodeAs(c);
      assertThat(c.toString()).contains(p.name());
    }
    assertThat(BreakerConfig.builder().build()).isEqualTo(BreakerPreset.DATABASE.config());
  }

  private static Duration retryAfter(Breaker b) {
    try {
      b.call(() -> "unreachable");
    } catch (BreakerOpenException e) {
      return e.retryAfter();
    }
    throw new AssertionError("breaker " + b + " permitted a call");
  }
}
