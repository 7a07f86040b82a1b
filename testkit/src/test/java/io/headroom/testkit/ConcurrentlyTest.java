package io.headroom.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ConcurrentlyTest {
  private static final int THREADS = 8;

  @Test
  void runsTheBodyOnceOnEachThreadWithItsOwnIndexAndReturnsWhenAllHaveEnded() {
    AtomicIntegerArray calls = new AtomicIntegerArray(THREADS);
    Set<Thread> seen = ConcurrentHashMap.newKeySet();

    Concurrently.run(
        THREADS,
        i -> {
          calls.incrementAndGet(i);
          seen.add(Thread.currentThread());
        });

    for (int i = 0; i < THREADS; i++) {
      assertThat(calls.get(i)).as("calls on thread %d", i).isEqualTo(1);
    }
    assertThat(seen).hasSize(THREADS).doesNotContain(Thread.currentThread());
    assertThat(seen).noneMatch(Thread::isAlive);
  }

  @Test
  void noBodyStartsBeforeEveryThreadIsRunning() {
    // Every body counts the run's live worker threads, then holds until all bodies have counted,
    // so none can have ended yet. With the barrier, each one sees all THREADS threads.
    CountDownLatch allCounted = new CountDownLatch(THREADS);
    AtomicIntegerArray liveAtEntry = new AtomicIntegerArray(THREADS);

    Concurrently.run(
        THREADS,
        i -> {
          String name = Thread.currentThread().getName();
          String run = name.substring(0, name.lastIndexOf('-') + 1);
          int live = 0;
          for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(run) && t.isAlive()) {
              live++;
            }
          }
          liveAtEntry.set(i, live);
          allCounted.countDown();
          assertThat(allCounted.await(10, TimeUnit.SECONDS)).isTrue();
        });

    for (int i = 0; i < THREADS; i++) {
      assertThat(liveAtEntry.get(i)).as("threads alive when body %d began", i).isEqualTo(THREADS);
    }
  }

  @Test
  void collectReturnsEveryResultGroupedByThreadInCallOrder() {
    AtomicInteger next = new AtomicInteger();
    List<int[]> results =
        Concurrently.collect(THREADS, 100, i -> new int[] {i, next.getAndIncrement()});

    assertThat(results).hasSize(THREADS * 100);
    assertThat(results.stream().mapToInt(r -> r[1]).distinct().count()).isEqualTo(THREADS * 100L);
    for (int t = 0; t < THREADS; t++) {
      List<int[]> mine = results.subList(t * 100, (t + 1) * 100);
      int thread = t;
      assertThat(mine).allSatisfy(r -> assertThat(r[0]).isEqualTo(thread));
      List<Integer> order = new ArrayList<>();
      mine.forEach(r -> order.add(r[1]));
      assertThat(order).isSorted();
    }
    assertThatThrownBy(() -> results.add(new int[0]))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void rethrowsTheFirstFailureWithTheOthersSuppressed() {
    Throwable thrown =
        catchThrowable(
            () ->
                Concurrently.run(
                    THREADS,
                    i -> {
                      if (i % 2 == 1) {
                        throw new IllegalStateException("thread " + i);
                      }
                    }));

    assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessageStartingWith("thread ");
    assertThat(thrown.getSuppressed())
        .hasSize(THREADS / 2 - 1)
        .allSatisfy(s -> assertThat(s).isInstanceOf(IllegalStateException.class));
  }

  @Test
  void aFailedAssertionInABodyFailsTheRunAsItself() {
    assertThatThrownBy(() -> Concurrently.run(2, i -> assertThat(i).as("index").isEqualTo(0)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("index");
  }

  @Test
  void wrapsACheckedExceptionInAnAssertionErrorNamingTheThread() {
    IOException io = new IOException("disk");

    assertThatThrownBy(
            () ->
                Concurrently.run(
                    3,
                    i -> {
                      if (i == 2) {
                        throw io;
                      }
                    }))
        .isInstanceOf(AssertionError.class)
        .hasMessage("thread 2 of 3 threw java.io.IOException: disk")
        .hasCause(io);
  }

  @Test
  void theSameExceptionThrownByEveryThreadIsRethrownOnce() {
    IllegalStateException shared = new IllegalStateException("shared");

    Throwable thrown =
        catchThrowable(
            () ->
                Concurrently.run(
                    THREADS,
                    i -> {
                      throw shared;
                    }));

    assertThat(thrown).isSameAs(shared);
    assertThat(thrown.getSuppressed()).isEmpty();
  }

  @Test
  void failsNamingTheThreadsStillRunningAtTheTimeout() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    try {
      assertThatThrownBy(
              () ->
                  Concurrently.run(
                      3,
                      Duration.ofMillis(100),
                      i -> {
                        if (i == 1) {
                          try {
                            release.await();
                          } catch (InterruptedException e) {
                            interrupted.countDown();
                            throw e;
                          }
                        }
                      }))
          .isInstanceOf(AssertionError.class)
          .hasMessageStartingWith("1 of 3 threads still running after PT0.1S (thread indexes [1])")
          .satisfies(
              e ->
                  assertThat(e.getSuppressed())
                      .singleElement()
                      .satisfies(s -> assertThat(s).hasMessageStartingWith("thread 1 (")));
      assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("straggler interrupted").isTrue();
    } finally {
      release.countDown();
    }
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> Concurrently.run(0, i -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("threads");
    assertThatThrownBy(() -> Concurrently.run(1, Duration.ZERO, i -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
    assertThatThrownBy(() -> Concurrently.collect(1, 0, i -> i))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("perThread");
  }
}
