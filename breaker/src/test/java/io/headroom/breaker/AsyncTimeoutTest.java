package io.headroom.breaker;

import static io.headroom.breaker.Scripts.fail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.testkit.FakeTicker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class AsyncTimeoutTest {
  private final FakeTicker time = new FakeTicker();
  private final FakeTimeouts timeouts = new FakeTimeouts(time);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final BreakerRegistry registry =
      BreakerRegistry.builder().ticker(time).timeouts(timeouts).meterRegistry(meters).build();

  @Test
  void aStageThatDoesNotCompleteInTimeFailsWithBreakerTimeoutExceptionAndIsCancelled() {
    Breaker b = registry.breaker("redis", BreakerPreset.REDIS); // callTimeout 2 s
    CompletableFuture<String> hung = new CompletableFuture<>();
    CompletionStage<String> result = b.callAsync(() -> hung);
    assertThat(timeouts.armed()).isEqualTo(1);

    time.advance(Duration.ofMillis(1999));
    assertThat(timeouts.fireDue()).isZero();
    assertThat(result.toCompletableFuture()).isNotDone();

    time.advance(Duration.ofMillis(1));
    assertThat(timeouts.fireDue()).isEqualTo(1);
    assertThatThrownBy(() -> result.toCompletableFuture().get())
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            BreakerTimeoutException.class,
            e -> {
              assertThat(e.name()).isEqualTo("redis");
              assertThat(e.timeout()).isEqualTo(Duration.ofSeconds(2));
              assertThat(e.getStackTrace()).isEmpty();
              assertThat(e.getMessage()).contains("redis", "PT2S");
            });
    assertThat(hung).isCancelled();
    BreakerSnapshot s = b.snapshot();
    assertThat(s.failedCalls()).isEqualTo(1);
    assertThat(s.slowCalls()).isEqualTo(1); // 2 s > REDIS's 250 ms
    assertThat(s.bufferedCalls()).isEqualTo(1); // the cancellation is not recorded again
  }

  @Test
  void aLateOutcomeAfterTheTimeoutIsNotRecorded() {
    Breaker b =
        registry.breaker(
            "files",
            BreakerPreset.FILE_STORAGE.config().toBuilder().failureCountThreshold(0).build());
    // A stage that ignores cancellation: not a Future, so the breaker cannot cancel it.
    CompletableFuture<String> source = new CompletableFuture<>();
    CompletionStage<String> opaque = source.minimalCompletionStage();
    CompletionStage<String> result = b.callAsync(() -> opaque);
    time.advance(BreakerPreset.FILE_STORAGE.config().callTimeout());
    timeouts.fireDue();
    source.complete("late");
    assertThat(result.toCompletableFuture()).isCompletedExceptionally();
    assertThat(b.snapshot().failedCalls()).isEqualTo(1);
    assertThat(b.snapshot().bufferedCalls()).isEqualTo(1);
  }

  @Test
  void aStageThatCompletesInTimeDisarmsItsTimeout() {
    Breaker b = registry.breaker("db", BreakerPreset.DATABASE);
    CompletableFuture<String> pending = new CompletableFuture<>();
    CompletionStage<String> result = b.callAsync(() -> pending);
    time.advance(Duration.ofSeconds(1));
    pending.complete("v");
    assertThat(result.toCompletableFuture().join()).isEqualTo("v");
    assertThat(timeouts.armed()).isZero();
    time.advance(Duration.ofMinutes(1));
    assertThat(timeouts.fireDue()).isZero();
    assertThat(b.snapshot().bufferedCalls()).isEqualTo(1);
    assertThat(b.snapshot().failedCalls()).isZero();

    CompletionStage<String> failed =
        b.callAsync(() -> CompletableFuture.<String>supplyAsync(() -> "x").thenApply(x -> boom()));
    assertThatThrownBy(() -> failed.toCompletableFuture().get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(Scripts.Boom.class);
    assertThat(b.snapshot().failedCalls()).isEqualTo(1);
  }

  private static String boom() {
    throw new Scripts.Boom();
  }

  @Test
  void anAlreadyCompletedStageArmsNoTimeout() {
    Breaker b = registry.breaker("db", BreakerPreset.DATABASE);
    assertThat(b.callAsync(() -> CompletableFuture.completedFuture("v")).toCompletableFuture())
        .isCompletedWithValue("v");
    assertThat(timeouts.armed()).isZero();
  }

  @Test
  void zeroCallTimeoutMeansNoTimeout() {
    Breaker b =
        registry.breaker(
            "no-timeout",
            BreakerPreset.REDIS.config().toBuilder().callTimeout(Duration.ZERO).build());
    CompletableFuture<String> hung = new CompletableFuture<>();
    CompletionStage<String> result = b.callAsync(() -> hung);
    assertThat(timeouts.armed()).isZero();
    time.advance(Duration.ofHours(1));
    timeouts.fireDue();
    assertThat(result.toCompletableFuture()).isNotDone();
    hung.complete("eventually");
    assertThat(result.toCompletableFuture().join()).isEqualTo("eventually");
  }

  @Test
  void theFallbackReceivesTheTimeoutAndIsCountedAsATimeoutFallback() {
    Breaker b = registry.breaker("payments", BreakerPreset.PAYMENT_API);
    AtomicReference<Throwable> seen = new AtomicReference<>();
    CompletionStage<String> result =
        b.callAsync(
            CompletableFuture::new,
            e -> {
              seen.set(e);
              return e instanceof BreakerTimeoutException ? "pending" : "declined";
            });
    time.advance(Duration.ofSeconds(90));
    timeouts.fireDue();
    assertThat(result.toCompletableFuture().join()).isEqualTo("pending");
    assertThat(seen.get()).isInstanceOf(BreakerTimeoutException.class);
    assertThat(
            meters
                .get("breaker.fallback.calls")
                .tags("name", "payments", "reason", "timeout", "outcome", "success")
                .functionCounter()
                .count())
        .isEqualTo(1.0);
    assertThat(
            meters
                .get("breaker.fallback.calls")
                .tags("name", "payments", "reason", "error", "outcome", "success")
                .functionCounter()
                .count())
        .isZero();
  }

  @Test
  void hungHalfOpenTrialsTimeOutAndReopenInsteadOfHoldingTheTrialsForEver() {
    Breaker b = registry.breaker("redis", BreakerPreset.REDIS);
    BreakerConfig c = b.config();
    for (int i = 0; i < c.failureCountThreshold(); i++) {
      fail(b);
    }
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    time.advance(c.openWait(1).plusMillis(1));

    List<CompletionStage<String>> trials = new ArrayList<>();
    for (int i = 0; i < c.halfOpenCalls(); i++) {
      trials.add(b.callAsync(CompletableFuture::new));
    }
    assertThat(b.state()).isEqualTo(BreakerState.HALF_OPEN);
    assertThat(b.callAsync(() -> CompletableFuture.completedFuture("x")).toCompletableFuture())
        .isCompletedExceptionally(); // every trial permit is taken

    time.advance(c.callTimeout());
    assertThat(timeouts.fireDue()).isEqualTo(c.halfOpenCalls());
    for (CompletionStage<String> t : trials) {
      assertThatThrownBy(() -> t.toCompletableFuture().join())
          .hasCauseInstanceOf(BreakerTimeoutException.class);
    }
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    assertThatThrownBy(() -> b.call(() -> "x"))
        .isInstanceOfSatisfying(
            BreakerOpenException.class, e -> assertThat(e.retryAfter()).isEqualTo(c.openWait(2)));
  }

  @Test
  void everyPresetHasACallTimeoutAboveItsSlowCallThreshold() {
    for (BreakerPreset p : BreakerPreset.values()) {
      BreakerConfig c = p.config();
      assertThat(c.callTimeout()).as("%s", p).isGreaterThan(c.slowCallDuration());
    }
  }

  @Test
  void theDefaultSchedulerFiresRealTimeouts() throws Exception {
    Breaker b =
        BreakerRegistry.create()
            .breaker(
                "real",
                BreakerPreset.REDIS.config().toBuilder().callTimeout(Duration.ofMillis(1)).build());
    CompletableFuture<String> hung = new CompletableFuture<>();
    CompletableFuture<String> result = b.callAsync(() -> hung).toCompletableFuture();
    assertThatThrownBy(() -> result.get(30, TimeUnit.SECONDS))
        .hasCauseInstanceOf(BreakerTimeoutException.class);
    assertThat(hung).isCancelled();
    assertThat(b.snapshot().failedCalls()).isEqualTo(1);
  }

  @Test
  void aCallerSuppliedExecutorFiresTimeouts() throws Exception {
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    try {
      Breaker b =
          BreakerRegistry.builder()
              .callTimeoutExecutor(executor)
              .build()
              .breaker(
                  "own",
                  BreakerPreset.SMTP.config().toBuilder()
                      .callTimeout(Duration.ofMillis(1))
                      .build());
      String v =
          b.callAsync(CompletableFuture::new, e -> e.getClass().getSimpleName())
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      assertThat(v).isEqualTo("BreakerTimeoutException");
    } finally {
      executor.shutdownNow();
    }
    assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }
}
