package io.headroom.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.core.Ticker;
import io.headroom.testkit.Concurrently;
import io.headroom.testkit.FakeTicker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class L1ClockTest {
  private final FakeTicker time = new FakeTicker();

  @Test
  void recentFollowsReadsToWithinTheResolution() {
    L1Clock clock = new L1Clock(time);
    long start = time.read();
    assertThat(clock.recent()).isEqualTo(start);
    time.advance(L1Clock.RESOLUTION - 1, TimeUnit.NANOSECONDS);
    assertThat(clock.read()).isEqualTo(start + L1Clock.RESOLUTION - 1);
    assertThat(clock.recent()).isEqualTo(start); // not written: within the resolution
    time.advance(1, TimeUnit.NANOSECONDS);
    clock.read();
    assertThat(clock.recent()).isEqualTo(start + L1Clock.RESOLUTION);
    time.advance(Duration.ofSeconds(5));
    clock.read();
    assertThat(clock.recent()).isEqualTo(time.read());
  }

  @Test
  void manyThreadsNeverLeaveRecentBehindTheirOwnReadingByTheResolution() throws Exception {
    L1Clock clock = new L1Clock(Ticker.system());
    int threads = 8;
    AtomicInteger violations = new AtomicInteger();
    AtomicInteger decreases = new AtomicInteger();
    Concurrently.run(
        threads,
        t -> {
          long last = Long.MIN_VALUE;
          for (int i = 0; i < 200_000; i++) {
            long now = clock.read();
            long r = clock.recent();
            if (now - r >= L1Clock.RESOLUTION) {
              violations.incrementAndGet();
            }
            if (last != Long.MIN_VALUE && r - last < 0) {
              decreases.incrementAndGet();
            }
            last = r;
          }
        });
    assertThat(violations).hasValue(0);
    assertThat(decreases).hasValue(0);
  }

  @Test
  void anEntryInItsLastMillisecondIsCheckedAgainstTheExactTime() {
    TieredCache<String, String> cache =
        TieredCache.<String, String>builder("clock")
            .local(100, Duration.ofSeconds(10))
            .jitter(0)
            .ticker(time)
            .executor(Runnable::run)
            .loader(k -> "v" + time.read())
            .build();
    String first = cache.get("k");
    time.advance(Duration.ofSeconds(10).minusNanos(L1Clock.RESOLUTION / 2));
    assertThat(cache.get("k")).isEqualTo(first); // in its last ms, still live
    time.advance(L1Clock.RESOLUTION / 2 - 1, TimeUnit.NANOSECONDS);
    assertThat(cache.get("k")).isEqualTo(first); // 1 ns before expiry
    assertThat(cache.getIfPresent("k")).isEqualTo(first);
    time.advance(1, TimeUnit.NANOSECONDS);
    assertThat(cache.getIfPresent("k")).isNull(); // exactly at expiry
    assertThat(cache.get("k")).isNotEqualTo(first);
    assertThat(cache.stats().l1Hits()).isEqualTo(3);
  }
}
