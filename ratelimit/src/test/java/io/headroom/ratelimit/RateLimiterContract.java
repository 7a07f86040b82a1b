package io.headroom.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.testkit.Concurrently;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every engine must have (CONVENTIONS rule 23). Subclasses give a builder wired to
 * their engine, and a way to let time pass: a fake ticker for the local engine, real (short)
 * windows for Redis. Tests that must not see refill use hour-long windows, so the admission count
 * is exact whatever the test's duration.
 */
abstract class RateLimiterContract {
  private static final AtomicInteger NAMES = new AtomicInteger();

  /** A builder on the engine under test. */
  abstract RateLimiter.Builder builder(String name);

  /**
   * Waits (or advances fake time) until {@code key} is allowed again after a denial that said
   * {@code retryAfter}, and returns that decision.
   */
  abstract Decision awaitAllowed(RateLimiter limiter, String key, Duration retryAfter);

  /** A window short enough to wait out on a real clock, long enough to not refill mid-burst. */
  Duration shortWindow() {
    return Duration.ofMillis(600);
  }

  static String unique(String base) {
    return base + "-" + NAMES.incrementAndGet();
  }

  @Test
  void admitsExactlyTheLimitUnderManyThreads() throws Exception {
    int threads = 64;
    int callsEach = 20;
    int limit = 500;
    int total = threads * callsEach;
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    RateLimiter limiter =
        builder(unique("exact"))
            .limits(Limit.of(limit, Duration.ofHours(1)))
            .meterRegistry(meters)
            .build();
    AtomicInteger admitted = new AtomicInteger();
    AtomicInteger denied = new AtomicInteger();
    Concurrently.run(
        threads,
        t -> {
          for (int i = 0; i < callsEach; i++) {
            Decision d = limiter.tryAcquire("hot-key");
            if (d.allowed()) {
              admitted.incrementAndGet();
            } else {
              assertThat(d.reason()).isEqualTo(Decision.Reason.DENIED);
              denied.incrementAndGet();
            }
          }
        });
    assertThat(admitted.get()).isEqualTo(limit);
    assertThat(denied.get()).isEqualTo(total - limit);
    assertThat(counter(meters, limiter.name(), "allowed")).isEqualTo((double) limit);
    assertThat(counter(meters, limiter.name(), "denied")).isEqualTo((double) (total - limit));
  }

  static double counter(SimpleMeterRegistry meters, String limiter, String result) {
    return meters
        .get("ratelimit.decisions")
        .tag("name", limiter)
        .tag("result", result)
        .counter()
        .count();
  }

  @Test
  void firstDecisionReportsTheNumbers() {
    Limit l = Limit.of(10, Duration.ofMinutes(1));
    String name = unique("numbers");
    Decision d = builder(name).limits(l).build().tryAcquire("user:1");
    assertThat(d.allowed()).isTrue();
    assertThat(d.reason()).isEqualTo(Decision.Reason.ALLOWED);
    assertThat(d.remaining()).isEqualTo(9);
    assertThat(d.limit()).isEqualTo(10);
    assertThat(d.policy()).isEqualTo(name);
    assertThat(d.binding()).isEqualTo(l);
    assertThat(d.limits()).containsExactly(l);
    assertThat(d.retryAfter()).isZero();
    assertThat(d.resetAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(6));
    assertThat(d.deniedBy()).isEmpty();
  }

  @Test
  void burstsUpToTheLimitThenDeniesWithoutCharging() {
    RateLimiter limiter = builder(unique("burst")).limits(Limit.perHour(5)).build();
    for (int i = 0; i < 5; i++) {
      Decision d = limiter.tryAcquire("k");
      assertThat(d.allowed()).isTrue();
      assertThat(d.remaining()).isEqualTo(4 - i);
    }
    Decision denied = limiter.tryAcquire("k");
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.reason()).isEqualTo(Decision.Reason.DENIED);
    assertThat(denied.remaining()).isZero();
    assertThat(denied.deniedBy()).contains(Limit.perHour(5));
    // one permit comes back every 12 minutes; a denial charges nothing, so the wait stays put
    assertThat(denied.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(12));
    assertThat(denied.resetAfter())
        .isGreaterThan(Duration.ofMinutes(59))
        .isLessThanOrEqualTo(Duration.ofHours(1));
    Decision again = limiter.tryAcquire("k");
    assertThat(again.retryAfter()).isLessThanOrEqualTo(denied.retryAfter());
    assertThat(limiter.tryAcquire("other").allowed()).isTrue();
  }

  @Test
  void chargesCostGreaterThanOne() {
    RateLimiter limiter = builder(unique("cost")).limits(Limit.perHour(10)).build();
    assertThat(limiter.tryAcquire("k", 4).remaining()).isEqualTo(6);
    assertThat(limiter.tryAcquire("k", 4).remaining()).isEqualTo(2);
    Decision tooMuch = limiter.tryAcquire("k", 3);
    assertThat(tooMuch.reason()).isEqualTo(Decision.Reason.DENIED);
    assertThat(tooMuch.remaining()).isEqualTo(2);
    Decision fits = limiter.tryAcquire("k", 2);
    assertThat(fits.allowed()).isTrue();
    assertThat(fits.remaining()).isZero();
  }

  @Test
  void deniesCostAboveCapacityWithAClearReasonAndAFiniteWait() {
    RateLimiter limiter = builder(unique("huge")).limits(Limit.perHour(5)).build();
    Decision d = limiter.tryAcquire("k", 6);
    assertThat(d.allowed()).isFalse();
    assertThat(d.reason()).isEqualTo(Decision.Reason.COST_EXCEEDS_LIMIT);
    assertThat(d.retryAfter()).isEqualTo(Limit.perHour(5).effectiveWindow());
    assertThat(d.remaining()).isEqualTo(5);
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.tryAcquire("k").allowed()).as("nothing was charged").isTrue();
    }
  }

  @Test
  void chargesEveryLimitOrNone() {
    Limit small = Limit.perHour(5);
    Limit large = Limit.of(6, Duration.ofHours(2));
    RateLimiter limiter = builder(unique("multi")).limits(small, large).build();
    Decision first = limiter.tryAcquire("k", 3); // small 2 left, large 3 left
    assertThat(first.allowed()).isTrue();
    assertThat(first.binding()).isEqualTo(small);
    assertThat(first.remaining()).isEqualTo(2);
    Decision denied = limiter.tryAcquire("k", 3); // small denies: large must not be charged
    assertThat(denied.reason()).isEqualTo(Decision.Reason.DENIED);
    assertThat(denied.deniedBy()).contains(small);
    assertThat(denied.remaining()).isEqualTo(2);
    Decision second = limiter.tryAcquire("k", 2); // fits both only if large still has 3
    assertThat(second.allowed()).as("the denied request charged no limit").isTrue();
    assertThat(second.remaining()).isZero();
    Decision third = limiter.tryAcquire("k", 1);
    assertThat(third.allowed()).isFalse();
    assertThat(third.limits()).containsExactly(small, large);
  }

  @Test
  void reportsTheLimitWithTheLongestWaitWhenSeveralDeny() {
    Limit perSecondish = Limit.of(2, Duration.ofMinutes(1));
    Limit perHour = Limit.of(2, Duration.ofHours(1));
    RateLimiter limiter = builder(unique("longest")).limits(perSecondish, perHour).build();
    limiter.tryAcquire("k", 2);
    Decision d = limiter.tryAcquire("k");
    assertThat(d.reason()).isEqualTo(Decision.Reason.DENIED);
    assertThat(d.deniedBy()).contains(perHour);
    assertThat(d.retryAfter()).isGreaterThan(Duration.ofMinutes(29));
  }

  @Test
  void refillsAfterRetryAfter() {
    Duration w = shortWindow();
    RateLimiter limiter = builder(unique("refill")).limits(Limit.of(2, w)).build();
    assertThat(limiter.tryAcquire("k").allowed()).isTrue();
    assertThat(limiter.tryAcquire("k").allowed()).isTrue();
    Decision denied = limiter.tryAcquire("k");
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.retryAfter()).isPositive().isLessThanOrEqualTo(w.dividedBy(2));
    Decision later = awaitAllowed(limiter, "k", denied.retryAfter());
    assertThat(later.allowed()).isTrue();
  }

  @Test
  void asyncDecidesTheSame() {
    RateLimiter limiter = builder(unique("async")).limits(Limit.perHour(5)).build();
    List<CompletableFuture<Decision>> all = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      all.add(limiter.tryAcquireAsync("k").toCompletableFuture());
    }
    long allowed = all.stream().map(CompletableFuture::join).filter(Decision::allowed).count();
    assertThat(allowed).isEqualTo(5);
  }

  @Test
  void shadowModeCountsButNeverDenies() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    RateLimiter limiter =
        builder(unique("shadow"))
            .limits(Limit.perHour(2))
            .shadow(true)
            .meterRegistry(meters)
            .build();
    limiter.tryAcquire("k");
    limiter.tryAcquire("k");
    Decision d = limiter.tryAcquire("k");
    assertThat(d.allowed()).isTrue();
    assertThat(d.reason()).isEqualTo(Decision.Reason.SHADOW_DENIED);
    assertThat(d.deniedBy()).contains(Limit.perHour(2));
    assertThat(counter(meters, limiter.name(), "shadow_denied")).isEqualTo(1);
    assertThat(counter(meters, limiter.name(), "allowed")).isEqualTo(2);
  }

  @Test
  void adminTierIsUnlimited() {
    RateLimiter limiter =
        builder(unique("admin"))
            .tier(TierTable.defaults(), Tier.ADMIN, RateLimitPreset.AUTH)
            .build();
    for (int i = 0; i < 100; i++) {
      assertThat(limiter.tryAcquire("root").reason()).isEqualTo(Decision.Reason.UNLIMITED);
    }
    assertThat(RateLimitHeaders.of(limiter.tryAcquire("root"))).isEmpty();
  }

  @Test
  void authPresetAppliesBothLimits() {
    RateLimiter limiter = builder(unique("auth")).preset(RateLimitPreset.AUTH).build();
    int allowed = 0;
    for (int i = 0; i < 7; i++) {
      allowed += limiter.tryAcquire("ip:10.0.0.1").allowed() ? 1 : 0;
    }
    assertThat(allowed).isEqualTo(5);
    Decision d = limiter.tryAcquire("ip:10.0.0.1");
    assertThat(d.deniedBy()).contains(Limit.of(5, Duration.ofMinutes(15)));
    assertThat(RateLimitHeaders.of(d))
        .containsEntry(
            RateLimitHeaders.POLICY,
            "\"" + limiter.name() + "-60s\";q=5;w=60, \"" + limiter.name() + "-900s\";q=5;w=900");
  }

  @Test
  void rejectsBadInputNamingTheValue() {
    RateLimiter limiter = builder(unique("bad")).limits(Limit.perMinute(10)).build();
    assertThatThrownBy(() -> limiter.tryAcquire(nullKey()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("key must not be null");
    assertThatThrownBy(() -> limiter.tryAcquireAsync(nullKey(), 1))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("key must not be null");
    assertThatThrownBy(() -> limiter.tryAcquire(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key must not be empty");
    assertThatThrownBy(() -> limiter.tryAcquire("x".repeat(513)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("512 UTF-8 bytes, not 513");
    assertThatThrownBy(() -> limiter.tryAcquire("é".repeat(257)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not 514");
    assertThat(limiter.tryAcquire("x".repeat(512)).allowed()).isTrue();
    assertThat(limiter.tryAcquire("é".repeat(256)).allowed()).isTrue();
    assertThatThrownBy(() -> limiter.tryAcquire("k", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cost must be > 0: 0");
    assertThatThrownBy(() -> limiter.tryAcquire("k", -3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cost must be > 0: -3");
    assertThatThrownBy(() -> limiter.tryAcquireAsync("", 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Limit.of(0, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("permits must be in [1, 1000000000]: 0");
    assertThatThrownBy(() -> Limit.of(5, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("window must be in [1ms, 31d]: PT0S");
  }

  @SuppressWarnings("NullAway")
  private static String nullKey() {
    return null;
  }
}
