package io.headroom.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.testkit.FakeTicker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CallStylesTest {
  private final FakeTicker time = new FakeTicker();
  private final BreakerRegistry registry = BreakerRegistry.builder().ticker(time).build();
  private final Breaker b = registry.breaker("svc", BreakerPreset.REDIS);

  private void trip() {
    b.forceOpen();
  }

  @Test
  void callRethrowsTheSuppliersExceptionUnchanged() {
    Scripts.Boom boom = new Scripts.Boom();
    assertThatThrownBy(
            () ->
                b.call(
                    () -> {
                      throw boom;
                    }))
        .isSameAs(boom);
    assertThat(b.snapshot().failedCalls()).isEqualTo(1);
  }

  @Test
  void fallbackReceivesTheFailureOrTheOpenException() {
    AtomicReference<Throwable> seen = new AtomicReference<>();
    TimeoutException timeout = new TimeoutException("read timed out");
    String v =
        b.call(
            () -> {
              throw new CompletionException(timeout);
            },
            e -> {
              seen.set(e);
              return "fallback";
            });
    assertThat(v).isEqualTo("fallback");
    assertThat(seen.get()).isInstanceOf(CompletionException.class).hasCause(timeout);

    trip();
    AtomicInteger reached = new AtomicInteger();
    String rejected =
        b.call(
            () -> "never" + reached.incrementAndGet(),
            e -> {
              seen.set(e);
              return "open";
            });
    assertThat(rejected).isEqualTo("open");
    assertThat(reached).hasValue(0);
    assertThat(seen.get()).isInstanceOf(BreakerOpenException.class);
  }

  @Test
  void fallbackMayReturnNull() {
    trip();
    String v = b.<@org.jspecify.annotations.Nullable String>call(() -> "x", e -> null);
    assertThat(v).isNull();
  }

  @Test
  void runAndRunWithFallback() {
    AtomicInteger ran = new AtomicInteger();
    b.run(ran::incrementAndGet);
    assertThat(ran).hasValue(1);
    assertThat(b.snapshot().bufferedCalls()).isEqualTo(1);

    trip();
    assertThatThrownBy(() -> b.run(ran::incrementAndGet)).isInstanceOf(BreakerOpenException.class);
    AtomicReference<Throwable> seen = new AtomicReference<>();
    b.run(ran::incrementAndGet, seen::set);
    assertThat(seen.get()).isInstanceOf(BreakerOpenException.class);
    assertThat(ran).hasValue(1);
  }

  @Test
  void errorsAreRethrownNotRecovered() {
    StackOverflowError error = new StackOverflowError();
    assertThatThrownBy(
            () ->
                b.call(
                    () -> {
                      throw error;
                    },
                    e -> "fallback"))
        .isSameAs(error);
  }

  @Test
  void callAsyncRecordsTheOutcomeWhenTheStageCompletes() {
    CompletableFuture<String> pending = new CompletableFuture<>();
    CompletionStage<String> stage = b.callAsync(() -> pending);
    assertThat(b.snapshot().bufferedCalls()).isZero();
    time.advance(Duration.ofMillis(300)); // slower than REDIS's 250 ms
    pending.complete("v");
    assertThat(stage.toCompletableFuture().join()).isEqualTo("v");
    assertThat(b.snapshot().bufferedCalls()).isEqualTo(1);
    assertThat(b.snapshot().slowCalls()).isEqualTo(1);

    CompletionStage<String> failed =
        b.callAsync(() -> CompletableFuture.failedFuture(new Scripts.Boom()));
    assertThatThrownBy(() -> failed.toCompletableFuture().join())
        .hasCauseInstanceOf(Scripts.Boom.class);
    assertThat(b.snapshot().failedCalls()).isEqualTo(1);
  }

  @Test
  void callAsyncNeverThrowsSynchronously() {
    CompletionStage<String> thrown =
        b.callAsync(
            () -> {
              throw new Scripts.Boom();
            });
    assertThat(thrown.toCompletableFuture()).isCompletedExceptionally();
    assertThat(b.snapshot().failedCalls()).isEqualTo(1);

    trip();
    AtomicInteger reached = new AtomicInteger();
    CompletionStage<String> rejected =
        b.callAsync(() -> CompletableFuture.completedFuture("x" + reached.incrementAndGet()));
    assertThatThrownBy(() -> rejected.toCompletableFuture().join())
        .hasCauseInstanceOf(BreakerOpenException.class);
    assertThat(reached).hasValue(0);
  }

  @Test
  void callAsyncWithFallbackRecovers() {
    CompletionStage<String> recovered =
        b.callAsync(
            () -> CompletableFuture.failedFuture(new Scripts.Boom()),
            e -> "fallback:" + e.getClass().getSimpleName());
    assertThat(recovered.toCompletableFuture().join()).isEqualTo("fallback:Boom");

    trip();
    CompletionStage<String> open =
        b.callAsync(
            () -> CompletableFuture.completedFuture("x"),
            e -> "open:" + e.getClass().getSimpleName());
    assertThat(open.toCompletableFuture().join()).isEqualTo("open:BreakerOpenException");
  }

  @Test
  void lowLevelHooksReleaseAndRecord() {
    Breaker one =
        registry.breaker(
            "hooks", BreakerPreset.REDIS.config().toBuilder().failureCountThreshold(0).build());
    one.forceOpen();
    one.reset();
    assertThat(one.tryAcquirePermission()).isTrue();
    one.releasePermission();
    assertThat(one.snapshot().bufferedCalls()).isZero();
    assertThat(one.tryAcquirePermission()).isTrue();
    one.onSuccess(-5); // a ticker glitch is clamped, not rejected
    assertThat(one.snapshot().bufferedCalls()).isEqualTo(1);
  }
}
