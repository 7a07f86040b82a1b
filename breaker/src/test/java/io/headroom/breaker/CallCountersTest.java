package io.headroom.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.testkit.Concurrently;
import org.junit.jupiter.api.Test;

class CallCountersTest {

  @Test
  void sumsEveryThreadsCallsExactlyIncludingThreadsThatHaveEnded() throws Exception {
    CallCounters counters = new CallCounters();
    int threads = 16;
    int perThread = 10_000;
    Concurrently.run( // returns once every worker thread has ended
        threads,
        t -> {
          for (int i = 0; i < perThread; i++) {
            counters.record(CallCounters.SUCCESSFUL, 3);
            if (i % 10 == 0) {
              counters.record(CallCounters.FAILED, 7);
            }
          }
        });
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
