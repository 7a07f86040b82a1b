package io.headroom.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.headroom.core.Ticker;
import io.headroom.redis.RedisConnector;
import io.headroom.redis.RedisSettings;
import io.headroom.testkit.fixtures.RedisFixture;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Redis PING check against a real Redis that goes away and comes back. */
class RedisChecksIT {
  @RegisterExtension static final RedisFixture redis = RedisFixture.standalone();

  @Test
  void upThenDownWithinTheTimeoutAfterAStopThenUpAgainAfterAStart() {
    RedisConnector connector =
        RedisConnector.create(
            RedisSettings.builder()
                .uri(redis.uri())
                .commandTimeout(Duration.ofMillis(300))
                .reconnectDelayMax(Duration.ofMillis(200))
                .build());
    HealthRegistry health =
        HealthRegistry.builder().backgroundChecks(false).drainDelay(Duration.ZERO).build();
    health.register(connector);
    HealthEndpoints endpoints = HealthEndpoints.builder(health).build();
    CheckConfig config = RedisChecks.ping(connector).failureThreshold(1).build();
    health.register(config);
    health.markStarted();
    Ticker ticker = Ticker.system();
    try {
      await().atMost(Duration.ofSeconds(10)).until(connector::isConnected);
      health.refresh();
      CheckState up = health.report(HealthGroup.READINESS).checks().get(0);
      assertThat(up.status()).isEqualTo(Status.UP);
      assertThat(up.details()).containsOnlyKeys("latencyMs");
      assertThat((Double) up.details().get("latencyMs")).isPositive();
      HealthResponse ok = endpoints.handle("GET", "/health/readiness", h -> null);
      assertThat(ok.status()).isEqualTo(200);
      assertThat(ok.body())
          .matches(
              "\\{\"status\":\"UP\",\"checks\":\\[\\{\"name\":\"redis\",\"status\":\"UP\","
                  + "\"data\":\\{\"latencyMs\":[0-9.]+}}]}");

      redis.stop();
      long stoppedAt = ticker.read();
      health.refresh(); // one run: bounded by the command timeout, never a hang
      long took = ticker.read() - stoppedAt;
      CheckState down = health.report(HealthGroup.READINESS).checks().get(0);
      assertThat(down.status()).isEqualTo(Status.DOWN);
      assertThat(down.error()).contains("redis://127.0.0.1:" + redis.port());
      assertThat(took).as("DOWN within the check's timeout").isLessThan(config.timeout().toNanos());
      HealthResponse unavailable = endpoints.handle("GET", "/health/readiness", h -> null);
      assertThat(unavailable.status()).isEqualTo(503);
      // "connected" is whatever Lettuce knows at that instant: the PING may fail (connection
      // reset) a moment before the client marks the connection closed, so either value is right.
      assertThat(unavailable.body())
          .matches(
              "\\{\"status\":\"DOWN\",\"checks\":\\[\\{\"name\":\"redis\",\"status\":\"DOWN\","
                  + "\"data\":\\{\"connected\":(true|false)}}]}");
      assertThat(endpoints.handle("GET", "/health/liveness", h -> null).status())
          .as("liveness is not about Redis")
          .isEqualTo(200);

      redis.start();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                health.refresh();
                return health.report(HealthGroup.READINESS).status() == Status.UP;
              });
      assertThat(endpoints.handle("GET", "/health/readiness", h -> null).status()).isEqualTo(200);
    } finally {
      health.shutdown();
    }
    assertThat(connector.isConnected()).as("closed by the shutdown sequence").isFalse();
  }
}
