package io.headroom.breaker;

import static io.headroom.breaker.Scripts.fail;
import static io.headroom.breaker.Scripts.slow;
import static io.headroom.breaker.Scripts.succeed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.testkit.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BreakerBehaviourTest {
  private final FakeTicker time = new FakeTicker();
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());
  private final BreakerRegistry registry =
      BreakerRegistry.builder()
          .ticker(time)
          .listener(
              new BreakerListener() {
                @Override
                public void onStateChange(String name, BreakerState from, BreakerState to) {
                  events.add(name + ":" + from + "->" + to);
                }

                @Override
                public void onFailureCountTrip(String name, int failures, long windowNanos) {
                  events.add(name + ":count " + failures + " in " + Duration.ofNanos(windowNanos));
                }
              })
          .build();

  /** Ten calls, trip at 50%, count rule off, 5s doubling up to 20s, 2 trials. */
  private static BreakerConfig.Builder small() {
    return BreakerConfig.builder()
        .windowType(BreakerConfig.WindowType.COUNT_BASED)
        .windowSize(10)
        .minimumCalls(10)
        .failureRateThreshold(50)
        .failureCountThreshold(0)
        .slowCallDuration(Duration.ofSeconds(1))
        .slowCallRateThreshold(100)
        .openWait(Duration.ofSeconds(5))
        .openWaitMultiplier(2)
        .openWaitMax(Duration.ofSeconds(20))
        .halfOpenCalls(2);
  }

  @Test
  void tripsWhenFailureRateReachesThresholdOverMinimumCalls() {
    Breaker b = registry.breaker("rate", small().build());
    for (int i = 0; i < 5; i++) {
      succeed(b);
    }
    for (int i = 0; i < 4; i++) {
      fail(b);
    }
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);
    assertThat(b.snapshot().failureRate()).isEqualTo(-1.0);

    fail(b); // 10th call, 5 failures: 50%

    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    assertThat(b.snapshot().failureRate()).isEqualTo(50.0);
    assertThat(events).containsExactly("rate:CLOSED->OPEN");
  }

  @Test
  void tripsOnAbsoluteFailureCountAtLowVolume() {
    // DATABASE: 20 calls needed for the rate rule, but 10 failures in 10 s trip on their own.
    Breaker b = registry.breaker("db", BreakerPreset.DATABASE);
    for (int i = 0; i < 9; i++) {
      fail(b);
      time.advance(Duration.ofSeconds(1));
    }
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);

    fail(b); // the 10th failure, 9 s after the first

    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    assertThat(b.snapshot().bufferedCalls()).isEqualTo(10);
    assertThat(events).containsExactly("db:count 10 in PT10S", "db:CLOSED->OPEN");
  }

  @Test
  void failuresSpreadWiderThanTheCountWindowDoNotTrip() {
    Breaker b = registry.breaker("db", BreakerPreset.DATABASE);
    for (int i = 0; i < 19; i++) {
      fail(b);
      time.advance(Duration.ofMillis(1200)); // 10 consecutive failures span 10.8 s > 10 s
    }
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);
    assertThat(b.snapshot().failedCalls()).isEqualTo(19);
  }

  @Test
  void tripsWhenSlowCallRateReachesThreshold() {
    Breaker b = registry.breaker("slow", small().slowCallRateThreshold(50).build());
    for (int i = 0; i < 5; i++) {
      succeed(b);
    }
    for (int i = 0; i < 4; i++) {
      slow(b, time, Duration.ofMillis(1500));
    }
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);

    slow(b, time, Duration.ofMillis(1500));

    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    assertThat(b.snapshot().slowCallRate()).isEqualTo(50.0);
    assertThat(b.snapshot().slowCalls()).isEqualTo(5);
    assertThat(b.snapshot().failedCalls()).isZero();
  }

  @Test
  void rejectsWhileOpenWithRetryAfterThenAllowsExactlyTheTrialCalls() {
    Breaker b = registry.breaker("half", small().build());
    trip(b);
    AtomicInteger reached = new AtomicInteger();

    assertThatThrownBy(() -> b.call(reached::incrementAndGet))
        .isInstanceOfSatisfying(
            BreakerOpenException.class,
            e -> {
              assertThat(e.name()).isEqualTo("half");
              assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(5));
              assertThat(e.getStackTrace()).isEmpty();
              assertThat(e.getMessage()).contains("half").contains("PT5S");
            });
    time.advance(Duration.ofSeconds(2));
    assertThatThrownBy(() -> b.call(reached::incrementAndGet))
        .isInstanceOfSatisfying(
            BreakerOpenException.class,
            e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(3)));
    assertThat(reached).hasValue(0);

    time.advance(Duration.ofMillis(3001));
    assertThat(b.tryAcquirePermission()).isTrue();
    assertThat(b.state()).isEqualTo(BreakerState.HALF_OPEN);
    assertThat(b.tryAcquirePermission()).isTrue();
    assertThat(b.tryAcquirePermission()).isFalse(); // only two trials
    b.onSuccess(1_000);
    b.onSuccess(1_000);

    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);
    assertThat(b.snapshot().notPermittedCalls()).isEqualTo(3);
    assertThat(events)
        .containsExactly("half:CLOSED->OPEN", "half:OPEN->HALF_OPEN", "half:HALF_OPEN->CLOSED");
  }

  @Test
  void eachReopenWaitsLongerUpToTheCapAndClosingResetsTheBackoff() {
    Breaker b = registry.breaker("backoff", small().build());
    trip(b);
    List<Duration> waits = new ArrayList<>();
    for (int round = 0; round < 4; round++) {
      Duration wait = retryAfter(b);
      waits.add(wait);
      time.advance(wait.minusMillis(1));
      assertThat(b.tryAcquirePermission()).as("still open just before the wait ends").isFalse();
      time.advance(Duration.ofMillis(2));
      fail(b); // first trial fails ...
      fail(b); // ... and so does the second: reopen
      assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    }
    assertThat(waits)
        .containsExactly(
            Duration.ofSeconds(5),
            Duration.ofSeconds(10),
            Duration.ofSeconds(20),
            Duration.ofSeconds(20));

    time.advance(retryAfter(b).plusMillis(1));
    succeed(b);
    succeed(b);
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);

    trip(b);
    assertThat(retryAfter(b)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void halfOpenTrialsThatMostlyFailReopen() {
    Breaker b = registry.breaker("reopen", small().halfOpenCalls(4).build());
    trip(b);
    time.advance(Duration.ofMillis(5001));
    succeed(b);
    fail(b);
    fail(b);
    assertThat(b.state()).isEqualTo(BreakerState.HALF_OPEN);
    succeed(b); // 2 of 4 failed = 50%: reopen

    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    assertThat(retryAfter(b)).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void forceOpenDisableAndReset() {
    Breaker b = registry.breaker("ops", small().build());
    b.forceOpen();
    assertThat(b.state()).isEqualTo(BreakerState.FORCED_OPEN);
    assertThat(b.tryAcquirePermission()).isFalse();
    b.disable();
    assertThat(b.state()).isEqualTo(BreakerState.DISABLED);
    for (int i = 0; i < 20; i++) {
      fail(b);
    }
    assertThat(b.state()).isEqualTo(BreakerState.DISABLED);
    b.reset();
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);
    assertThat(b.snapshot().bufferedCalls()).isZero();
  }

  @Test
  void disabledByConfigurationPermitsEverything() {
    Breaker b = registry.breaker("off", small().enabled(false).build());
    for (int i = 0; i < 50; i++) {
      fail(b);
    }
    assertThat(b.state()).isEqualTo(BreakerState.DISABLED);
    assertThat(b.tryAcquirePermission()).isTrue();
  }

  @Test
  void listenerExceptionsDoNotBreakTheBreaker() {
    BreakerRegistry r =
        BreakerRegistry.builder()
            .ticker(time)
            .listener(
                new BreakerListener() {
                  @Override
                  public void onStateChange(String name, BreakerState from, BreakerState to) {
                    throw new IllegalStateException("listener bug");
                  }
                })
            .build();
    Breaker b = r.breaker("x", small().build());
    trip(b);
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
  }

  @Test
  void registryReturnsTheSameBreakerPerNameAndSnapshotsAll() {
    Breaker a = registry.breaker("b-two", BreakerPreset.REDIS);
    Breaker same = registry.breaker("b-two", BreakerPreset.REDIS);
    Breaker other = registry.breaker("a-one", BreakerPreset.SMTP);
    assertThat(same).isSameAs(a);
    assertThat(registry.breaker("b-two", BreakerPreset.SMTP)).isSameAs(a);
    assertThat(registry.find("b-two")).containsSame(a);
    assertThat(registry.find("nope")).isEmpty();
    assertThat(registry.snapshots())
        .extracting(BreakerSnapshot::name)
        .containsExactly("a-one", "b-two");
    assertThat(registry.breakers()).containsExactly(other, a);
    assertThat(a.preset()).isEqualTo(BreakerPreset.REDIS);
    assertThat(other.config()).isEqualTo(BreakerPreset.SMTP.config());
  }

  @Test
  void standaloneBreakerWorks() {
    Breaker b = Breaker.of("solo", BreakerPreset.FILE_STORAGE);
    assertThat(b.call(() -> 42)).isEqualTo(42);
    assertThat(b.snapshot())
        .isEqualTo(new BreakerSnapshot("solo", BreakerState.CLOSED, -1, -1, 1, 0, 0, 0));
    assertThat(b.toString()).contains("solo");
  }

  private void trip(Breaker b) {
    for (int i = 0; i < 10; i++) {
      fail(b);
    }
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
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
