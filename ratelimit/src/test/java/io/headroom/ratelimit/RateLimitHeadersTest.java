package io.headroom.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.testkit.FakeTicker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {
  private final FakeTicker ticker = new FakeTicker();

  @Test
  void allowedDecisionHasIetfDraftAndXHeaders() {
    RateLimiter api =
        RateLimiter.builder("api").limits(Limit.perMinute(100)).ticker(ticker).build();
    Decision d = api.tryAcquire("k", 58);
    assertThat(RateLimitHeaders.of(d))
        .containsExactly(
            Map.entry("RateLimit-Policy", "\"api\";q=100;w=60"),
            Map.entry("RateLimit", "\"api\";r=42;t=35"),
            Map.entry("X-RateLimit-Limit", "100"),
            Map.entry("X-RateLimit-Remaining", "42"),
            Map.entry("X-RateLimit-Reset", "35"));
  }

  @Test
  void retryAfterIsRoundedUpAndNeverEarly() {
    RateLimiter l =
        RateLimiter.builder("login")
            .limits(Limit.of(2, Duration.ofSeconds(3)))
            .ticker(ticker)
            .build();
    l.tryAcquire("k", 2);
    ticker.advance(Duration.ofMillis(200));
    Decision d = l.tryAcquire("k");
    assertThat(d.retryAfter()).isEqualTo(Duration.ofMillis(1300));
    Map<String, String> h = RateLimitHeaders.of(d);
    assertThat(h).containsEntry("Retry-After", "2").containsEntry("X-RateLimit-Remaining", "0");
    ticker.advance(Duration.ofSeconds(2));
    assertThat(l.tryAcquire("k").allowed()).as("a client waiting Retry-After is let in").isTrue();
  }

  @Test
  void subSecondWaitsStillSayOneSecond() {
    Decision d =
        Decision.of(
            Decision.Reason.DENIED,
            "p",
            List.of(Limit.perSecond(10)),
            Limit.perSecond(10),
            0,
            Duration.ofMillis(5),
            Duration.ofNanos(1));
    assertThat(RateLimitHeaders.of(d)).containsEntry("Retry-After", "1");
  }

  @Test
  void failClosedSays503HeadersWithoutMadeUpCounts() {
    Spec spec = new Spec("pay", List.of(Limit.perMinute(20)));
    Map<String, String> h = RateLimitHeaders.of(spec.unavailable(Duration.ZERO));
    assertThat(h)
        .containsOnlyKeys("RateLimit-Policy", "X-RateLimit-Limit", "Retry-After")
        .containsEntry("Retry-After", "1");
    assertThat(RateLimitHeaders.of(spec.unavailable(Duration.ofMillis(2_001))))
        .as("the breaker's wait, rounded up")
        .containsEntry("Retry-After", "3");
    assertThat(RateLimitHeaders.of(spec.failedOpen()))
        .containsOnlyKeys("RateLimit-Policy", "X-RateLimit-Limit");
  }

  @Test
  void unlimitedHasNoHeaders() {
    assertThat(RateLimitHeaders.of(Decision.unlimited("admin"))).isEmpty();
  }

  @Test
  void ceilSecondsRoundsUp() {
    assertThat(RateLimitHeaders.ceilSeconds(Duration.ZERO)).isZero();
    assertThat(RateLimitHeaders.ceilSeconds(Duration.ofNanos(1))).isEqualTo(1);
    assertThat(RateLimitHeaders.ceilSeconds(Duration.ofSeconds(17))).isEqualTo(17);
    assertThat(RateLimitHeaders.ceilSeconds(Duration.ofMillis(17_001))).isEqualTo(18);
  }
}
