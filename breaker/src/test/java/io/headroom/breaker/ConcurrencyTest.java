package io.headroom.breaker;

import static io.headroom.breaker.Scripts.fail;
import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.testkit.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {
  private static final int THREADS = 32;

  private final FakeTicker time = new FakeTicker();
  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

  @AfterEach
  void stop() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

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
    CyclicBarrier start = new CyclicBarrier(THREADS);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      futures.add(
          pool.submit(
              () -> {
                start.await();
                try {
                  fail(b);
                } catch (BreakerOpenException lateComer) {
                  // the breaker opened before this thread's call: also fine
                }
                return null;
              }));
    }
    for (Future<?> f : futures) {
      f.get(10, TimeUnit.SECONDS);
    }
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    assertThat(opened).hasValue(1);
  }

  private record Outcome(int reached, int rejected) {}

  /** THREADS callers at once; those let through block until every caller has tried. */
  private Outcome stampede(Breaker b) throws Exception {
    CyclicBarrier start = new CyclicBarrier(THREADS);
    CountDownLatch allTried = new CountDownLatch(THREADS);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger reached = new AtomicInteger();
    AtomicInteger rejected = new AtomicInteger();
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      futures.add(
          pool.submit(
              () -> {
                start.await();
                try {
                  b.call(
                      () -> {
                        reached.incrementAndGet();
                        allTried.countDown();
                        await(release);
                        return "ok";
                      });
                } catch (BreakerOpenException e) {
                  rejected.incrementAndGet();
                  allTried.countDown();
                }
                return null;
              }));
    }
    assertThat(allTried.await(10, TimeUnit.SECONDS)).isTrue();
    release.countDown();
    for (Future<?> f : futures) {
      f.get(10, TimeUnit.SECONDS);
    }
    assertThat(reached.get() + rejected.get()).isEqualTo(THREADS);
    return new Outcome(reached.get(), rejected.get());
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("release never came");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
