package io.headroom.health;

import io.headroom.core.Checks;
import io.headroom.core.Ticker;
import io.headroom.redis.RedisConnector;
import io.headroom.redis.RedisException;
import java.time.Duration;

/**
 * Built-in Redis check: a {@code PING} through a {@link RedisConnector}, with its round trip in the
 * details. Loaded only when {@code headroom-redis} is on the class path.
 *
 * <pre>{@code
 * health.register(RedisChecks.ping(redis));
 * // {"name":"redis","status":"UP","data":{"latencyMs":0.4}}
 * }</pre>
 *
 * <p>The check never hangs: the PING is bounded by the connector's command timeout ({@code
 * HEADROOM_REDIS_COMMAND_TIMEOUT}, 500 ms by default), and while the connector is disconnected it
 * is rejected at once, so an outage turns the check {@link Status#DOWN} on its next run. The
 * check's own timeout (the command timeout plus 500 ms, at least 1 s) is a second guard. It
 * deliberately does not go through a circuit breaker: health must see Redis as it is, and an open
 * breaker would hide the recovery. It is a dependency check: readiness by default, refused in
 * liveness. Stateless and thread-safe.
 */
public final class RedisChecks {
  /** The default interval between two PINGs. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

  private RedisChecks() {}

  /**
   * A check named {@code redis} that PINGs {@code redis}; see {@link #ping(String,
   * RedisConnector)}.
   *
   * @throws NullPointerException if {@code redis} is null
   */
  public static CheckConfig.Builder ping(RedisConnector redis) {
    return ping("redis", redis);
  }

  /**
   * A check named {@code name} in readiness, every 5 s, that is {@link Status#UP} with the detail
   * {@code latencyMs} (the PING's round trip in milliseconds) when Redis answers {@code PONG}, and
   * {@link Status#DOWN} with the connector's error (free of passwords) and the detail {@code
   * connected} otherwise.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is blank or longer than 64 characters
   */
  public static CheckConfig.Builder ping(String name, RedisConnector redis) {
    return ping(name, redis, Ticker.system());
  }

  static CheckConfig.Builder ping(String name, RedisConnector redis, Ticker ticker) {
    Checks.notNull(redis, "redis");
    Checks.notNull(ticker, "ticker");
    Duration commandTimeout = redis.settings().commandTimeout();
    Duration timeout = commandTimeout.plusMillis(500);
    if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
      timeout = Duration.ofSeconds(1);
    }
    return CheckConfig.builder(name, () -> check(redis, ticker))
        .groups(HealthGroup.READINESS)
        .timeout(timeout)
        .interval(DEFAULT_INTERVAL)
        .dependency(true);
  }

  static CheckResult check(RedisConnector redis, Ticker ticker) {
    long start = ticker.read();
    String reply;
    try {
      reply = redis.await(redis.ping());
    } catch (RedisException e) {
      return CheckResult.down(String.valueOf(e.getMessage()))
          .withDetail("connected", redis.isConnected());
    }
    double latencyMs = Math.round((ticker.read() - start) / 1_000.0) / 1_000.0;
    if (!"PONG".equalsIgnoreCase(reply)) {
      return CheckResult.down("unexpected reply to PING: " + reply)
          .withDetail("latencyMs", latencyMs);
    }
    return CheckResult.up().withDetail("latencyMs", latencyMs);
  }
}
