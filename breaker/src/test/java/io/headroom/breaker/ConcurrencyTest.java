package io.headroom.breaker;

import static io.headroom.breaker.Scripts.fail;
import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.testkit.Concurrently;
import io.headroom.testkit.FakeTicker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {
  private static final int THREADS = 32;

  private final FakeTicker time = new FakeTicker();

  @Test
  void whileOpenOnlyThePermittedTrialsReachTheProtectedCode() throws Exception {
    Breaker b =
        BreakerRegistry.builder().ticker(time).build().breaker("db", BreakerPreset.DATABASE);
    for (int i = 0; i < 10; i++) {
      fail(b);
    }
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);

    // Open: nobody gets through.
    assertThat(stampede(b).reached).isZero();

    // After the wait: exactly the half-open trials get through, however many threads race.
    time.advance(Duration.ofSeconds(5).plusMillis(1));
    Outcome trial = stampede(b);
    assertThat(trial.reached).isEqualTo(BreakerPreset.DATABASE.config().halfOpenCalls());
    assertThat(trial.rejected).isEqualTo(THREADS - trial.reached);
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED); // the trials succeeded
  }

  @Test
  void concurrentFailuresTripTheCountRuleExactlyOnce() throws Exception {
    AtomicInteger opened = new AtomicInteger();
    Breaker b =
        BreakerRegistry.builder()
            .ticker(time)
            .listener(
                new BreakerListener() {
                  @Override
                  public void onStateChange(String name, BreakerState from, BreakerState to) {
                    if (to == BreakerState.OPEN) {
                      opened.incrementAndGet();
                    }
                  }
                })
            .build()
            .breaker("redis", BreakerPreset.REDIS);
    Concurrently.run(
        THREADS,
        t -> {
          try {
            fail(b);
          } catch (BreakerOpenException lateComer) {
            // the breaker opened before this thread's call: also fine
          }
        });
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    assertThat(opened).hasValue(1);
  }

  @Test
  void acrossFailedTrialRoundsOnlyThePermittedTrialsReachTheProtectedCode() throws Exception {
    Breaker b = BreakerRegistry.builder().ticker(time).build().breaker("smtp", BreakerPreset.SMTP);
    BreakerConfig c = b.config();
    for (int i = 0; i < c.failureCountThreshold(); i++) {
      fail(b);
    }
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    int totalReached = 0;
    for (int round = 1; round <= 4; round++) {
      assertThat(stampede(b, false).reached).as("open, round %s", round).isZero();
      time.advance(c.openWait(round).plusMillis(1));
      Outcome trial = stampede(b, false);
      assertThat(trial.reached).as("half-open, round %s", round).isEqualTo(c.halfOpenCalls());
      totalReached += trial.reached;
      assertThat(b.state()).isEqualTo(BreakerState.OPEN); // the trials failed: reopened
    }
    assertThat(totalReached).isEqualTo(4 * c.halfOpenCalls());
  }

  @Test
  void asyncCompletionsRacingTheirTimeoutsAreRecordedExactlyOnce() throws Exception {
    FakeTimeouts timeouts = new FakeTimeouts(time);
    Breaker b =
        BreakerRegistry.builder()
            .ticker(time)
            .timeouts(timeouts)
            .build()
            .breaker(
                "race",
                BreakerPreset.FILE_STORAGE.config().toBuilder()
                    .windowSize(1000)
                    .minimumCalls(1000)
                    .failureCountThreshold(0)
                    .build());
    int calls = 200;
    List<CompletableFuture<String>> sources = new ArrayList<>();
    List<CompletableFuture<String>> results = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      CompletableFuture<String> source = new CompletableFuture<>();
      sources.add(source);
      results.add(b.callAsync(() -> source).toCompletableFuture());
    }
    time.advance(b.config().callTimeout());
    // THREADS - 1 threads complete the sources while one thread fires the timeouts.
    Concurrently.run(
        THREADS,
        t -> {
          if (t == 0) {
            timeouts.fireDue();
            return;
          }
          for (int i = t - 1; i < calls; i += THREADS - 1) {
            sources.get(i).complete("ok");
          }
        });
    int ok = 0;
    int timedOut = 0;
    for (CompletableFuture<String> r : results) {
      try {
        assertThat(r.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
        ok++;
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(BreakerTimeoutException.class);
        timedOut++;
      }
    }
    BreakerSnapshot s = b.snapshot();
    assertThat(ok + timedOut).isEqualTo(calls);
    assertThat(s.bufferedCalls()).isEqualTo(calls);
    assertThat(s.failedCalls()).isEqualTo(timedOut);
  }

  @Test
  void racingThreadsGetTheSameBreakerPerNameAndOneSetOfMeters() throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    BreakerRegistry registry = BreakerRegistry.builder().ticker(time).meterRegistry(meters).build();
    Set<Breaker> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
    distinct.addAll(
        Concurrently.collect(THREADS, 1, t -> registry.breaker("shared", BreakerPreset.DATABASE)));
    assertThat(distinct).hasSize(1);
    assertThat(registry.breakers()).hasSize(1);
    assertThat(meters.find("resilience4j.circuitbreaker.state").meters())
        .hasSize(6); // one gauge per resilience4j state
  }

  private record Outcome(int reached, int rejected) {}

  /** THREADS callers at once; those let through block until every caller has tried. */
  private Outcome stampede(Breaker b) throws Exception {
    return stampede(b, true);
  }

  /** Like {@link #stampede(Breaker)}; the calls that get through fail unless {@code succeed}. */
  private Outcome stampede(Breaker b, boolean succeed) throws Exception {
    CountDownLatch allTried = new CountDownLatch(THREADS);
    AtomicInteger reached = new AtomicInteger();
    AtomicInteger rejected = new AtomicInteger();
    Concurrently.run(
        THREADS,
        t -> {
          try {
            b.call(
                () -> {
                  reached.incrementAndGet();
                  allTried.countDown();
                  await(allTried); // released once every caller has tried
                  if (!succeed) {
                    throw new Scripts.Boom();
                  }
                  return "ok";
                });
          } catch (Scripts.Boom e) {
            // a failed trial: it reached the protected code
          } catch (BreakerOpenException e) {
            rejected.incrementAndGet();
            allTried.countDown();
          }
        });
    assertThat(reached.get() + rejected.get()).isEqualTo(THREADS);
    return new Outcome(reached.get(), rejected.get());
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("not every caller tried within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
