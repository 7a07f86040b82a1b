package io.headroom.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.testkit.Concurrently;
import io.headroom.testkit.FakeTicker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class LocalRateLimiterTest extends RateLimiterContract {
  private final FakeTicker ticker = new FakeTicker();

  @Override
  RateLimiter.Builder builder(String name) {
    return RateLimiter.builder(name).ticker(ticker);
  }

  @Override
  Decision awaitAllowed(RateLimiter limiter, String key, Duration retryAfter) {
    ticker.advance(retryAfter.minusNanos(1));
    assertThat(limiter.tryAcquire(key).allowed()).as("allowed before retryAfter").isFalse();
    ticker.advance(Duration.ofNanos(1));
    return limiter.tryAcquire(key);
  }

  @Test
  void refillsOnePermitPerEmissionInterval() {
    RateLimiter limiter = builder("interval").limits(Limit.perMinute(5)).build();
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.tryAcquire("k").allowed()).isTrue();
    }
    assertThat(limiter.tryAcquire("k").allowed()).isFalse();
    ticker.advance(Duration.ofSeconds(12));
    assertThat(limiter.tryAcquire("k").allowed()).isTrue();
    assertThat(limiter.tryAcquire("k").allowed()).isFalse();
    ticker.advance(Duration.ofSeconds(24));
    assertThat(limiter.tryAcquire("k", 2).allowed()).isTrue();
    assertThat(limiter.tryAcquire("k").allowed()).isFalse();
  }

  @Test
  void neverBurstsAboveTheLimitAfterLongIdleness() {
    RateLimiter limiter = builder("idle").limits(Limit.perMinute(5)).build();
    limiter.tryAcquire("k");
    ticker.advance(Duration.ofHours(3));
    int allowed = 0;
    for (int i = 0; i < 20; i++) {
      allowed += limiter.tryAcquire("k").allowed() ? 1 : 0;
    }
    assertThat(allowed).isEqualTo(5);
  }

  @Test
  void noDoubleBurstAcrossAWindowBoundary() {
    // a fixed window would allow 5 at 0:59 and 5 more at 1:00; continuous refill allows 1
    RateLimiter limiter = builder("boundary").limits(Limit.perMinute(5)).build();
    ticker.advance(Duration.ofSeconds(59));
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.tryAcquire("k").allowed()).isTrue();
    }
    ticker.advance(Duration.ofSeconds(1));
    assertThat(limiter.tryAcquire("k").allowed()).isFalse();
    ticker.advance(Duration.ofSeconds(11));
    assertThat(limiter.tryAcquire("k").allowed()).isTrue();
  }

  @Test
  void retryAfterIsExactToTheNanosecond() {
    RateLimiter limiter = builder("exact-wait").limits(Limit.of(3, Duration.ofSeconds(1))).build();
    limiter.tryAcquire("k", 3);
    Decision d = limiter.tryAcquire("k", 2);
    // 333334 us per permit (rounded up): two permits
    assertThat(d.retryAfter()).isEqualTo(Duration.ofNanos(2 * 333_334_000L));
    ticker.advance(d.retryAfter().minusNanos(1));
    assertThat(limiter.tryAcquire("k", 2).allowed()).isFalse();
    ticker.advance(Duration.ofNanos(1));
    assertThat(limiter.tryAcquire("k", 2).allowed()).isTrue();
  }

  @Test
  void sweepDropsOnlyFullBuckets() {
    RateLimiter limiter = builder("sweep").limits(Limit.perMinute(2)).build();
    LocalEngine engine = ((LocalRateLimiter) limiter).engine();
    limiter.tryAcquire("idle");
    ticker.advance(Duration.ofSeconds(40));
    limiter.tryAcquire("busy");
    limiter.tryAcquire("busy");
    ticker.advance(Duration.ofSeconds(1));
    engine.sweep(ticker.read(), false);
    assertThat(engine.size()).as("idle is full again, busy is not").isEqualTo(1);
    assertThat(limiter.tryAcquire("busy").allowed()).as("busy kept its usage").isFalse();
  }

  @Test
  void boundsTheNumberOfKeys() {
    RateLimiter limiter = builder("bounded").limits(Limit.perHour(10)).maxLocalKeys(1000).build();
    LocalEngine engine = ((LocalRateLimiter) limiter).engine();
    for (int i = 0; i < 5000; i++) {
      limiter.tryAcquire("user:" + i);
    }
    assertThat(engine.size()).isLessThanOrEqualTo(1000);
  }

  @Test
  void aFloodOfNewKeysNeverResetsAHotKey() {
    floodPastTheBound(builder("flood-one").limits(Limit.perHour(10)).maxLocalKeys(100).build());
    floodPastTheBound(
        builder("flood-many")
            .limits(Limit.perHour(10), Limit.of(20, Duration.ofHours(2)))
            .maxLocalKeys(100)
            .build());
  }

  /**
   * Exhausts a hot key, then inserts 100 x the bound in new keys (time frozen: nothing refills, so
   * no bucket is full and every eviction must choose among buckets in use), asking for the hot key
   * after every 10 new keys: it must stay limited, so exactly its 10 permits are ever admitted.
   */
  private void floodPastTheBound(RateLimiter limiter) {
    LocalEngine engine = ((LocalRateLimiter) limiter).engine();
    int admitted = 0;
    for (int i = 0; i < 10; i++) {
      admitted += limiter.tryAcquire("hot").allowed() ? 1 : 0;
    }
    for (int i = 0; i < 10_000; i++) {
      assertThat(limiter.tryAcquire("new:" + i).allowed()).isTrue();
      if (i % 10 == 9) {
        admitted += limiter.tryAcquire("hot").allowed() ? 1 : 0;
      }
    }
    assertThat(admitted).as("permits admitted on the hot key").isEqualTo(10);
    assertThat(engine.size()).isLessThanOrEqualTo(100);
  }

  @Test
  void theBoundDropsFullBucketsFirstThenTheLeastRecentlyUsed() {
    RateLimiter limiter = builder("lru").limits(Limit.perMinute(2)).maxLocalKeys(10).build();
    LocalEngine engine = ((LocalRateLimiter) limiter).engine();
    limiter.tryAcquire("refilled"); // full again after 30 s
    ticker.advance(Duration.ofSeconds(31));
    for (int i = 0; i < 9; i++) {
      assertThat(limiter.tryAcquire("k" + i, 2).allowed()).isTrue(); // k0..k8 empty
    }
    assertThat(limiter.tryAcquire("k0").allowed()).isFalse(); // now k1 is the least recently used
    limiter.tryAcquire("new"); // full: dropping the full "refilled" is enough
    assertThat(engine.size()).isEqualTo(10);
    limiter.tryAcquire("newer"); // full, nothing full again: the least recently used goes
    assertThat(engine.size()).isEqualTo(10);
    assertThat(limiter.tryAcquire("k0").allowed()).as("recently used k0 kept").isFalse();
    for (int i = 2; i < 9; i++) {
      assertThat(limiter.tryAcquire("k" + i).allowed()).as("k%s kept", i).isFalse();
    }
    assertThat(limiter.tryAcquire("k1").allowed()).as("k1 was the one evicted").isTrue();
  }

  @Test
  void aSweepRacingDecisionsLosesNoCharge() throws Exception {
    sweepRace(builder("race-one").limits(Limit.perHour(3)).build());
    sweepRace(
        builder("race-many").limits(Limit.perHour(3), Limit.of(4, Duration.ofHours(2))).build());
  }

  /** 4 threads x 2 calls on each of 2000 fresh keys (limit 3) while a thread sweeps non-stop. */
  private void sweepRace(RateLimiter limiter) throws Exception {
    LocalEngine engine = ((LocalRateLimiter) limiter).engine();
    int keys = 2000;
    AtomicIntegerArray admitted = new AtomicIntegerArray(keys);
    AtomicInteger working = new AtomicInteger(4);
    Concurrently.run(
        5,
        t -> {
          if (t == 4) { // the sweeper, until the 4 workers are done
            while (working.get() > 0) {
              engine.sweep(ticker.read(), false);
            }
            return;
          }
          try {
            for (int k = 0; k < keys; k++) {
              for (int c = 0; c < 2; c++) {
                if (limiter.tryAcquire("k" + k).allowed()) {
                  admitted.incrementAndGet(k);
                }
              }
            }
          } finally {
            working.decrementAndGet();
          }
        });
    for (int k = 0; k < keys; k++) {
      assertThat(admitted.get(k)).as("admitted on key k%s", k).isEqualTo(3);
    }
  }
}
