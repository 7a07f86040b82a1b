package io.headroom.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;

class CallCountersTest {

  @Test
  void sumsEveryThreadsCallsExactlyIncludingThreadsThatHaveEnded() throws Exception {
    CallCounters counters = new CallCounters();
    int threads = 16;
    int perThread = 10_000;
    CyclicBarrier start = new CyclicBarrier(threads);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread w =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
                for (int i = 0; i < perThread; i++) {
                  counters.record(CallCounters.SUCCESSFUL, 3);
                  if (i % 10 == 0) {
                    counters.record(CallCounters.FAILED, 7);
                  }
                }
              });
      workers.add(w);
      w.start();
    }
    for (Thread w : workers) {
      w.join();
    }
    counters.record(CallCounters.IGNORED, 11); // this (live) thread

    assertThat(counters.count(CallCounters.SUCCESSFUL)).isEqualTo((long) threads * perThread);
    assertThat(counters.nanos(CallCounters.SUCCESSFUL)).isEqualTo(3L * threads * perThread);
    assertThat(counters.count(CallCounters.FAILED)).isEqualTo((long) threads * perThread / 10);
    assertThat(counters.nanos(CallCounters.FAILED)).isEqualTo(7L * threads * perThread / 10);
    assertThat(counters.count(CallCounters.IGNORED)).isEqualTo(1);
    assertThat(counters.nanos(CallCounters.IGNORED)).isEqualTo(11);
    // read twice: folding the ended threads must not change the totals
    assertThat(counters.count(CallCounters.SUCCESSFUL)).isEqualTo((long) threads * perThread);
  }
}
