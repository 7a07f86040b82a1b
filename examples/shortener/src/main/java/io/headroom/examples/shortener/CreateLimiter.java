package io.headroom.examples.shortener;

import io.headroom.breaker.BreakerRegistry;
import io.headroom.core.Settings;
import io.headroom.core.Ticker;
import io.headroom.ratelimit.Decision;
import io.headroom.ratelimit.RateLimitHeaders;
import io.headroom.ratelimit.RateLimitPreset;
import io.headroom.ratelimit.RateLimiter;
import io.headroom.redis.RedisConnector;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The per-client limit on link creation, with the headers every answer carries. */
interface CreateLimiter extends AutoCloseable {
  /** The limiter's name: its settings are {@code HEADROOM_RATELIMIT_CREATE_*}. */
  String NAME = "create";

  /** The outcome of one attempt. */
  enum Outcome {
    ALLOWED,
    /** The client is over its limit: 429. */
    LIMITED,
    /** The limiter's store is down and its policy is to fail closed: 503. */
    UNAVAILABLE
  }

  /**
   * The decision and its headers ({@code RateLimit-Policy}, {@code RateLimit}, {@code
   * X-RateLimit-*}, and {@code Retry-After} when not allowed).
   */
  record Verdict(Outcome outcome, Map<String, String> headers) {}

  Verdict tryAcquire(String client);

  @Override
  default void close() {}

  /**
   * The app's limiter: headroom's {@link RateLimiter} named {@value #NAME} with the {@code write}
   * preset, on Redis when {@code redis} is given (else local), overridden by {@code
   * HEADROOM_RATELIMIT_CREATE_*} in {@code settings}.
   *
   * @throws io.headroom.core.SettingsException naming the key of a malformed setting
   */
  static CreateLimiter create(
      Settings settings,
      @Nullable RedisConnector redis,
      BreakerRegistry breakers,
      MeterRegistry meters,
      Ticker ticker) {
    RateLimiter.Builder b =
        RateLimiter.builder(NAME)
            .preset(RateLimitPreset.WRITE)
            .breakerRegistry(breakers)
            .meterRegistry(meters)
            .ticker(ticker);
    if (redis != null) {
      b.redis(redis);
    }
    RateLimiter limiter = b.settings(settings).build();
    return client -> verdict(limiter.tryAcquire(client));
  }

  private static Verdict verdict(Decision d) {
    Map<String, String> headers = RateLimitHeaders.of(d);
    return switch (d.reason()) {
      case DENIED, COST_EXCEEDS_LIMIT -> new Verdict(Outcome.LIMITED, headers);
      case UNAVAILABLE -> new Verdict(Outcome.UNAVAILABLE, headers);
      default -> new Verdict(Outcome.ALLOWED, headers);
    };
  }
}
