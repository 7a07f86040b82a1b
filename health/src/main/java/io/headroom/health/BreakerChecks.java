package io.headroom.health;

import io.headroom.breaker.BreakerRegistry;
import io.headroom.breaker.BreakerSnapshot;
import io.headroom.core.Checks;
import java.time.Duration;
import java.util.List;

/**
 * Built-in check that shows every circuit breaker's state as details, without ever failing: an open
 * breaker already protects callers (and serves fallbacks), so it must not also take the instance
 * out of rotation. Loaded only when {@code headroom-breaker} is on the class path.
 *
 * <pre>{@code
 * health.register(BreakerChecks.states(breakers));
 * // {"name":"breakers","status":"UP","data":{"open":1,"redis.state":"OPEN","redis.failureRate":62.5,...}}
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class BreakerChecks {
  private BreakerChecks() {}

  /**
   * A check named {@code breakers} in readiness, always {@link Status#UP}, whose details list each
   * breaker's state, failure rate, slow-call rate and buffered calls (rates are omitted while a
   * breaker has too few calls to judge them), plus the number of open breakers.
   *
   * @throws NullPointerException if {@code breakers} is null
   */
  public static CheckConfig.Builder states(BreakerRegistry breakers) {
    Checks.notNull(breakers, "breakers");
    return CheckConfig.builder("breakers", () -> describe(breakers.snapshots()))
        .groups(HealthGroup.READINESS)
        .interval(Duration.ofSeconds(5))
        .critical(false)
        .dependency(true);
  }

  static CheckResult describe(List<BreakerSnapshot> snapshots) {
    CheckResult r = CheckResult.up();
    int open = 0;
    for (BreakerSnapshot s : snapshots) {
      if (s.state().isOpen()) {
        open++;
      }
    }
    r = r.withDetail("open", open);
    for (BreakerSnapshot s : snapshots) {
      String n = s.name();
      r = r.withDetail(n + ".state", s.state().name());
      if (s.failureRate() >= 0) {
        r = r.withDetail(n + ".failureRate", s.failureRate());
      }
      if (s.slowCallRate() >= 0) {
        r = r.withDetail(n + ".slowCallRate", s.slowCallRate());
      }
      r = r.withDetail(n + ".bufferedCalls", s.bufferedCalls());
    }
    return r;
  }
}
