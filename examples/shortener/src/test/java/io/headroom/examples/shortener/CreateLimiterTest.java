package io.headroom.examples.shortener;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.breaker.BreakerRegistry;
import io.headroom.core.Settings;
import io.headroom.testkit.FakeTicker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The app's creation limiter on the local engine: the {@code write} preset, overridden by {@code
 * HEADROOM_RATELIMIT_CREATE_*}, and how decisions become outcomes and headers.
 */
class CreateLimiterTest {
  private final FakeTicker ticker = new FakeTicker();

  private CreateLimiter limiter(Map<String, String> env) {
    Settings settings = Settings.of(env);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    BreakerRegistry breakers =
        BreakerRegistry.builder().meterRegistry(meters).settings(settings).ticker(ticker).build();
    return CreateLimiter.create(settings, null, breakers, meters, ticker);
  }

  @Test
  void usesTheWritePresetByDefault() {
    CreateLimiter.Verdict v = limiter(Map.of()).tryAcquire("203.0.113.1");
    assertThat(v.outcome()).isEqualTo(CreateLimiter.Outcome.ALLOWED);
    assertThat(v.headers())
        .containsEntry("X-RateLimit-Limit", "20")
        .containsEntry("X-RateLimit-Remaining", "19")
        .containsEntry("RateLimit-Policy", "\"create\";q=20;w=60")
        .doesNotContainKey("Retry-After");
  }

  @Test
  void limitsEachClientAsConfiguredThenRecovers() {
    CreateLimiter limiter = limiter(Map.of("HEADROOM_RATELIMIT_CREATE_LIMITS", "2/1m"));
    assertThat(limiter.tryAcquire("a").headers()).containsEntry("X-RateLimit-Remaining", "1");
    assertThat(limiter.tryAcquire("a").headers()).containsEntry("X-RateLimit-Remaining", "0");

    CreateLimiter.Verdict denied = limiter.tryAcquire("a");
    assertThat(denied.outcome()).isEqualTo(CreateLimiter.Outcome.LIMITED);
    assertThat(denied.headers())
        .containsEntry("X-RateLimit-Limit", "2")
        .containsEntry("X-RateLimit-Remaining", "0")
        .containsKey("Retry-After");
    assertThat(Long.parseLong(denied.headers().get("Retry-After"))).isBetween(1L, 60L);

    assertThat(limiter.tryAcquire("b").outcome()).isEqualTo(CreateLimiter.Outcome.ALLOWED);
    ticker.advance(Duration.ofMinutes(1));
    assertThat(limiter.tryAcquire("a").outcome()).isEqualTo(CreateLimiter.Outcome.ALLOWED);
  }
}
