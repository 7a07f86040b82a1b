package io.headroom.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.breaker.BreakerPreset;
import io.headroom.breaker.BreakerRegistry;
import io.headroom.breaker.BreakerSnapshot;
import io.headroom.breaker.BreakerState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BreakerChecksTest {

  @Test
  void openBreakersAreDetailsNeverFailures() {
    CheckResult r =
        BreakerChecks.describe(
            List.of(
                new BreakerSnapshot("db", BreakerState.CLOSED, -1, -1, 3, 0, 0, 0),
                new BreakerSnapshot("redis", BreakerState.OPEN, 62.5, 0, 8, 5, 0, 12)));

    assertThat(r.status()).isEqualTo(Status.UP);
    assertThat(r.details())
        .containsExactly(
            Map.entry("open", 1),
            Map.entry("db.state", "CLOSED"),
            Map.entry("db.bufferedCalls", 3),
            Map.entry("redis.state", "OPEN"),
            Map.entry("redis.failureRate", 62.5),
            Map.entry("redis.slowCallRate", 0.0),
            Map.entry("redis.bufferedCalls", 8));
  }

  @Test
  void readsALiveBreakerRegistry() throws Exception {
    BreakerRegistry breakers = BreakerRegistry.create();
    breakers.breaker("payments", BreakerPreset.PAYMENT_API).forceOpen();
    CheckConfig c = BreakerChecks.states(breakers).build();

    CheckResult r = c.check().check();

    assertThat(c.critical()).isFalse();
    assertThat(c.dependency()).isTrue();
    assertThat(r.status()).isEqualTo(Status.UP);
    assertThat(r.details()).containsEntry("open", 1).containsEntry("payments.state", "FORCED_OPEN");
  }
}
