package io.headroom.breaker;

import static io.headroom.breaker.Scripts.fail;
import static io.headroom.breaker.Scripts.succeed;
import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.testkit.FakeTicker;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MetricsTest {
  private final FakeTicker time = new FakeTicker();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final BreakerRegistry registry =
      BreakerRegistry.builder().ticker(time).meterRegistry(meters).build();

  @Test
  void registersResilience4jNamesAndTagsOncePerBreaker() {
    registry.breaker("redis", BreakerPreset.REDIS);
    registry.breaker("redis", BreakerPreset.REDIS);

    Set<String> ids =
        meters.getMeters().stream().map(MetricsTest::describe).collect(Collectors.toSet());

    assertThat(ids)
        .containsExactlyInAnyOrder(
            "resilience4j.circuitbreaker.state{name=redis,state=closed}",
            "resilience4j.circuitbreaker.state{name=redis,state=open}",
            "resilience4j.circuitbreaker.state{name=redis,state=half_open}",
            "resilience4j.circuitbreaker.state{name=redis,state=disabled}",
            "resilience4j.circuitbreaker.state{name=redis,state=forced_open}",
            "resilience4j.circuitbreaker.state{name=redis,state=metrics_only}",
            "resilience4j.circuitbreaker.buffered.calls{kind=failed,name=redis}",
            "resilience4j.circuitbreaker.buffered.calls{kind=successful,name=redis}",
            "resilience4j.circuitbreaker.slow.calls{kind=failed,name=redis}",
            "resilience4j.circuitbreaker.slow.calls{kind=successful,name=redis}",
            "resilience4j.circuitbreaker.failure.rate{name=redis}",
            "resilience4j.circuitbreaker.slow.call.rate{name=redis}",
            "resilience4j.circuitbreaker.calls{kind=successful,name=redis}",
            "resilience4j.circuitbreaker.calls{kind=failed,name=redis}",
            "resilience4j.circuitbreaker.calls{kind=ignored,name=redis}",
            "resilience4j.circuitbreaker.not.permitted.calls{kind=not_permitted,name=redis}",
            "breaker.fallback.calls{name=redis,outcome=success,reason=not_permitted}",
            "breaker.fallback.calls{name=redis,outcome=failure,reason=not_permitted}",
            "breaker.fallback.calls{name=redis,outcome=success,reason=error}",
            "breaker.fallback.calls{name=redis,outcome=failure,reason=error}",
            "breaker.fallback.calls{name=redis,outcome=success,reason=timeout}",
            "breaker.fallback.calls{name=redis,outcome=failure,reason=timeout}");
  }

  @Test
  void metersFollowTheCalls() {
    Breaker b = registry.breaker("db", BreakerPreset.DATABASE);
    Scripts.slow(b, time, Duration.ofMillis(30));
    succeed(b);
    b.onError(5_000_000, new CancellationException());
    for (int i = 0; i < 10; i++) {
      fail(b);
    }
    String viaFallback = b.call(() -> "x", e -> "fallback");
    assertThat(viaFallback).isEqualTo("fallback");
    for (int i = 0; i < 2; i++) {
      try {
        b.call(() -> "x");
      } catch (BreakerOpenException expected) {
        // counted
      }
    }

    FunctionTimer ok = timer("successful");
    assertThat(ok.count()).isEqualTo(2.0);
    assertThat(ok.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(30.0);
    assertThat(timer("failed").count()).isEqualTo(10.0);
    assertThat(timer("ignored").count()).isEqualTo(1.0);
    assertThat(timer("ignored").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(5.0);
    assertThat(
            meters
                .get("resilience4j.circuitbreaker.not.permitted.calls")
                .tag("name", "db")
                .functionCounter()
                .count())
        .isEqualTo(3.0);
    assertThat(gauge("resilience4j.circuitbreaker.state", "state", "open")).isEqualTo(1.0);
    assertThat(gauge("resilience4j.circuitbreaker.state", "state", "closed")).isEqualTo(0.0);
    assertThat(gauge("resilience4j.circuitbreaker.buffered.calls", "kind", "failed"))
        .isEqualTo(10.0);
    assertThat(gauge("resilience4j.circuitbreaker.buffered.calls", "kind", "successful"))
        .isEqualTo(2.0);
    assertThat(meters.get("resilience4j.circuitbreaker.failure.rate").gauge().value())
        .isEqualTo(-1.0); // 12 calls < DATABASE's minimum of 20
    assertThat(meters.get("resilience4j.circuitbreaker.slow.call.rate").gauge().value())
        .isEqualTo(-1.0);
    assertThat(fallback("not_permitted", "success")).isEqualTo(1.0);
    assertThat(fallback("error", "success")).isZero();
  }

  @Test
  void rateGaugesReadTheSlidingWindowOnceItHoldsTheMinimumCalls() {
    Breaker b =
        registry.breaker(
            "db",
            BreakerPreset.DATABASE.config().toBuilder()
                .failureCountThreshold(0)
                .failureRateThreshold(100)
                .slowCallRateThreshold(100)
                .build());
    for (int i = 0; i < 10; i++) {
      succeed(b);
    }
    for (int i = 0; i < 5; i++) {
      Scripts.slow(b, time, Duration.ofSeconds(3)); // DATABASE: slow above 2 s
    }
    for (int i = 0; i < 5; i++) {
      fail(b);
    }
    // 20 calls = DATABASE's minimum: 5 failed (25 %), 5 slow (25 %).
    assertThat(meters.get("resilience4j.circuitbreaker.failure.rate").gauge().value())
        .isEqualTo(25.0);
    assertThat(meters.get("resilience4j.circuitbreaker.slow.call.rate").gauge().value())
        .isEqualTo(25.0);
    assertThat(gauge("resilience4j.circuitbreaker.slow.calls", "kind", "successful"))
        .isEqualTo(5.0);
    assertThat(gauge("resilience4j.circuitbreaker.state", "state", "closed")).isEqualTo(1.0);
    BreakerSnapshot snap = b.snapshot();
    assertThat(snap.failureRate()).isEqualTo(25.0);
    assertThat(snap.slowCallRate()).isEqualTo(25.0);
    assertThat(snap.bufferedCalls()).isEqualTo(20);
    assertThat(registry.snapshots()).containsExactly(snap);
  }

  @Test
  void fallbackOutcomesAreCounted() {
    Breaker b = registry.breaker("files", BreakerPreset.FILE_STORAGE);
    String recovered =
        b.call(
            () -> {
              throw new Scripts.Boom();
            },
            e -> "recovered");
    assertThat(recovered).isEqualTo("recovered");
    try {
      b.run(
          () -> {
            throw new Scripts.Boom();
          },
          e -> {
            throw new IllegalStateException("fallback failed too", e);
          });
    } catch (IllegalStateException expected) {
      // counted as a failed fallback
    }
    FunctionCounter ok =
        meters
            .get("breaker.fallback.calls")
            .tags("name", "files", "reason", "error", "outcome", "success")
            .functionCounter();
    assertThat(ok.count()).isEqualTo(1.0);
    assertThat(
            meters
                .get("breaker.fallback.calls")
                .tags("name", "files", "reason", "error", "outcome", "failure")
                .functionCounter()
                .count())
        .isEqualTo(1.0);
  }

  @Test
  void registryWithoutMeterRegistryRegistersNothingGlobally() {
    BreakerRegistry.create().breaker("no-meters", BreakerPreset.SMTP);
    assertThat(
            io.micrometer.core.instrument.Metrics.globalRegistry
                .find("resilience4j.circuitbreaker.state")
                .meters())
        .isEmpty();
  }

  private FunctionTimer timer(String kind) {
    return meters
        .get("resilience4j.circuitbreaker.calls")
        .tags("name", "db", "kind", kind)
        .functionTimer();
  }

  private double gauge(String name, String tag, String value) {
    Gauge g = meters.get(name).tags("name", "db", tag, value).gauge();
    return g.value();
  }

  private double fallback(String reason, String outcome) {
    return meters
        .get("breaker.fallback.calls")
        .tags("name", "db", "reason", reason, "outcome", outcome)
        .functionCounter()
        .count();
  }

  private static String describe(Meter m) {
    return m.getId().getName()
        + m.getId().getTags().stream()
            .map(t -> t.getKey() + "=" + t.getValue())
            .sorted()
            .collect(Collectors.joining(",", "{", "}"));
  }
}
