package io.headroom.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.Settings;
import io.headroom.core.SettingsException;
import io.headroom.testkit.FakeTicker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The shared hot-path glue and the API the modules build on: guard, guardAsync, retryAfter. */
class GuardedCallTest {
  private final FakeTicker time = new FakeTicker();
  private final BreakerRegistry registry = BreakerRegistry.builder().ticker(time).build();

  /** Records what it was handed; "BAD" replies are unusable. */
  static final class Recorder implements GuardedCall<String, String, String> {
    final List<String> events = new ArrayList<>();

    @Override
    public String notPermitted(String context) {
      events.add("rejected " + context);
      return "fallback";
    }

    @Override
    public String succeeded(String context, String value, long nanos) {
      if (value.equals("BAD")) {
        throw new IllegalStateException("unusable reply");
      }
      events.add("ok " + context + " " + value + " " + nanos);
      return value.toUpperCase(java.util.Locale.ROOT);
    }

    @Override
    public String failed(String context, Throwable error, long nanos) {
      events.add("failed " + context + " " + error.getClass().getSimpleName() + " " + nanos);
      return "fallback";
    }
  }

  @Test
  void guardTimesTheCallAndHandsEachOutcomeToTheHandler() {
    Breaker b = registry.breaker("g", BreakerPreset.REDIS);
    Recorder r = new Recorder();
    assertThat(
            b.guard(
                "k1",
                k -> {
                  time.advance(Duration.ofMillis(3));
                  return "v";
                },
                r))
        .isEqualTo("V");
    assertThat(
            b.guard(
                "k2",
                k -> {
                  throw new IOException("reset");
                },
                r))
        .isEqualTo("fallback");
    assertThat(b.guard("k3", k -> "BAD", r)).isEqualTo("fallback");
    assertThat(r.events)
        .containsExactly(
            "ok k1 v 3000000", "failed k2 IOException 0", "failed k3 IllegalStateException 0");
    assertThat(b.snapshot().bufferedCalls()).isEqualTo(3);
    assertThat(b.snapshot().failedCalls()).isEqualTo(2);
  }

  @Test
  void guardAsyncRecordsWhenTheStageCompletesAndRejectsWhenOpen() {
    Breaker b = registry.breaker("ga", BreakerPreset.REDIS);
    Recorder r = new Recorder();
    CompletableFuture<String> pending = new CompletableFuture<>();
    CompletableFuture<String> result = b.guardAsync("k", k -> pending, r);
    assertThat(result).isNotDone();
    time.advance(Duration.ofMillis(7));
    pending.complete("v");
    assertThat(result.join()).isEqualTo("V");
    assertThat(
            b.guardAsync(
                    "k",
                    k -> {
                      throw new IllegalStateException("threw before the stage");
                    },
                    r)
                .join())
        .isEqualTo("fallback");
    assertThat(
            b.guardAsync("k", k -> CompletableFuture.failedFuture(new IOException("x")), r).join())
        .isEqualTo("fallback");
    b.forceOpen();
    assertThat(b.guardAsync("k", k -> pending, r).join()).isEqualTo("fallback");
    assertThat(r.events)
        .containsExactly(
            "ok k v 7000000",
            "failed k IllegalStateException 0",
            "failed k IOException 0",
            "rejected k");
    assertThat(b.snapshot().notPermittedCalls()).isEqualTo(1);
  }

  @Test
  void retryAfterCountsDownTheOpenWait() {
    Breaker b =
        registry.breaker(
            "ra",
            BreakerConfig.builder()
                .minimumCalls(2)
                .windowSize(2)
                .openWait(Duration.ofSeconds(10))
                .openWaitMax(Duration.ofSeconds(10))
                .build());
    assertThat(b.retryAfter()).isZero();
    b.tryAcquirePermission();
    b.onError(0, new IOException("a"));
    b.tryAcquirePermission();
    b.onError(0, new IOException("b"));
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    assertThat(b.retryAfter()).isEqualTo(Duration.ofSeconds(10));
    time.advance(Duration.ofSeconds(4));
    assertThat(b.retryAfter()).isEqualTo(Duration.ofSeconds(6));
    time.advance(Duration.ofSeconds(7));
    assertThat(b.retryAfter()).isZero();
  }

  @Test
  void callCheckedLetsACheckedExceptionThroughUnchanged() throws IOException {
    Breaker b = registry.breaker("smtp", BreakerPreset.SMTP);
    IOException boom = new IOException("421 try later");
    assertThatThrownBy(
            () ->
                b.callChecked(
                    () -> {
                      throw boom;
                    }))
        .isSameAs(boom);
    assertThat(b.snapshot().failedCalls()).isEqualTo(1);
    assertThat(b.<String, IOException>callChecked(() -> "sent")).isEqualTo("sent");
    b.forceOpen();
    assertThatThrownBy(() -> b.callChecked(() -> "x"))
        .isInstanceOf(BreakerOpenException.class)
        .isInstanceOf(BreakerException.class)
        .hasMessageContaining("breaker 'smtp' is open");
    assertThat(new BreakerTimeoutException("smtp", Duration.ofSeconds(1)))
        .isInstanceOf(BreakerException.class)
        .hasMessage("call through breaker 'smtp' timed out after PT1S");
  }

  @Test
  void recordResultCountsAReturnedValueAsAFailureAndStillReturnsIt() {
    Breaker b =
        registry.breaker(
            "http",
            BreakerConfig.builder()
                .recordResult(v -> v instanceof Integer status && status >= 500)
                .build());
    assertThat(b.call(() -> 503)).isEqualTo(503);
    assertThat(b.call(() -> 200)).isEqualTo(200);
    assertThat(b.guard("x", k -> 502, new PassThrough())).isEqualTo(502);
    assertThat(b.snapshot().failedCalls()).isEqualTo(2);
    assertThat(b.snapshot().bufferedCalls()).isEqualTo(3);
    assertThat(b.config().toString()).contains("recordResult=");
  }

  static final class PassThrough implements GuardedCall<String, Integer, Integer> {
    @Override
    public Integer notPermitted(String context) {
      return -1;
    }

    @Override
    public Integer succeeded(String context, Integer value, long nanos) {
      return value;
    }

    @Override
    public Integer failed(String context, Throwable error, long nanos) {
      return -2;
    }
  }

  @Test
  void databaseTreatsDataSyntaxAndConstraintErrorsAsAnswersEverywhere() {
    Breaker db = registry.breaker("db", BreakerPreset.DATABASE);
    assertThat(db.isFailure(new SQLException("dup", "23505"))).isFalse();
    assertThat(db.isFailure(new SQLException("syntax", "42601"))).isFalse();
    assertThat(db.isFailure(new SQLException("division by zero", "22012"))).isFalse();
    assertThat(db.isFailure(new SQLException("refused", "08001"))).isTrue();
    assertThat(db.isFailure(new SQLException("timeout", "57014"))).isTrue();
    assertThat(db.isFailure(new BreakerOpenException("inner", Duration.ZERO))).isFalse();
    Breaker redis = registry.breaker("r", BreakerPreset.REDIS);
    assertThat(redis.isFailure(new SQLException("syntax", "42601"))).isTrue();
  }

  @Test
  void forComponentNamesTheBreakerAndReadsItsSettingsAndMeters() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Settings s = Settings.of(Map.of("HEADROOM_BREAKER_RATELIMIT_LOGIN_OPEN_WAIT", "3s"));
    Breaker b = Breaker.forComponent("ratelimit", "login", BreakerPreset.REDIS, s, meters, time);
    assertThat(b.name()).isEqualTo("ratelimit-login");
    assertThat(b.config().openWait()).isEqualTo(Duration.ofSeconds(3));
    assertThat(
            meters
                .find("resilience4j.circuitbreaker.state")
                .tag("name", "ratelimit-login")
                .meters())
        .isNotEmpty();
    @Nullable SimpleMeterRegistry none = null;
    assertThat(Breaker.forComponent("cache", "x", BreakerPreset.REDIS, s, none, time).name())
        .isEqualTo("cache-x");
    Settings bad = Settings.of(Map.of("HEADROOM_BREAKER_CACHE_X_WINDOW_SIZE", "-1"));
    assertThatThrownBy(
            () -> Breaker.forComponent("cache", "x", BreakerPreset.REDIS, bad, null, time))
        .isInstanceOf(SettingsException.class)
        .hasMessageStartingWith("HEADROOM_BREAKER_CACHE_X_WINDOW_SIZE=-1: ");
    assertThatThrownBy(
            () -> Breaker.forComponent("cache", "a b", BreakerPreset.REDIS, s, null, time))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
