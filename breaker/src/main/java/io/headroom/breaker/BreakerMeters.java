package io.headroom.breaker;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Registers a breaker's meters once, under resilience4j-micrometer's names and tags so existing
 * dashboards work. Calls and rejections are function meters over the breaker's {@link CallCounters}
 * and {@link LongAdder}s: the hot path only bumps per-thread counters, and Micrometer reads the
 * sums at scrape time.
 */
final class BreakerMeters {
  static final String PREFIX = "resilience4j.circuitbreaker";
  static final String STATE = PREFIX + ".state";
  static final String CALLS = PREFIX + ".calls";
  static final String NOT_PERMITTED_CALLS = PREFIX + ".not.permitted.calls";
  static final String BUFFERED_CALLS = PREFIX + ".buffered.calls";
  static final String SLOW_CALLS = PREFIX + ".slow.calls";
  static final String FAILURE_RATE = PREFIX + ".failure.rate";
  static final String SLOW_CALL_RATE = PREFIX + ".slow.call.rate";
  static final String FALLBACK_CALLS = "breaker.fallback.calls";

  private BreakerMeters() {}

  static void bind(MeterRegistry registry, DefaultBreaker b) {
    String name = b.name();
    for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
      Gauge.builder(STATE, b, x -> x.engine().getState() == state ? 1 : 0)
          .description("The states of the circuit breaker")
          .tag("name", name)
          .tag("state", state.name().toLowerCase(Locale.ROOT))
          .strongReference(true)
          .register(registry);
    }
    gauge(
        registry, BUFFERED_CALLS, b, "failed", m -> m.getNumberOfFailedCalls(), "buffered failed");
    gauge(
        registry,
        BUFFERED_CALLS,
        b,
        "successful",
        m -> m.getNumberOfSuccessfulCalls(),
        "buffered successful");
    gauge(
        registry,
        SLOW_CALLS,
        b,
        "successful",
        m -> m.getNumberOfSlowSuccessfulCalls(),
        "slow successful");
    gauge(registry, SLOW_CALLS, b, "failed", m -> m.getNumberOfSlowFailedCalls(), "slow failed");
    Gauge.builder(FAILURE_RATE, b, x -> x.engine().getMetrics().getFailureRate())
        .description("The failure rate of the circuit breaker")
        .tag("name", name)
        .strongReference(true)
        .register(registry);
    Gauge.builder(SLOW_CALL_RATE, b, x -> x.engine().getMetrics().getSlowCallRate())
        .description("The slow call of the circuit breaker")
        .tag("name", name)
        .strongReference(true)
        .register(registry);

    timer(registry, b, "successful", CallCounters.SUCCESSFUL, "successful calls");
    timer(registry, b, "failed", CallCounters.FAILED, "failed calls");
    timer(
        registry,
        b,
        "ignored",
        CallCounters.IGNORED,
        "calls which failed but the exception was ignored");
    FunctionCounter.builder(NOT_PERMITTED_CALLS, b.notPermittedCalls, LongAdder::sum)
        .description("Total number of not permitted calls")
        .tag("name", name)
        .tag("kind", "not_permitted")
        .register(registry);

    String[] reasons = {"not_permitted", "error", "timeout"};
    String[] outcomes = {"success", "failure"};
    for (int r = 0; r < DefaultBreaker.REASONS; r++) {
      for (int o = 0; o < 2; o++) {
        FunctionCounter.builder(FALLBACK_CALLS, b.fallbackCalls[r * 2 + o], LongAdder::sum)
            .description("Fallbacks run, by why they ran and whether they returned normally")
            .tag("name", name)
            .tag("reason", reasons[r])
            .tag("outcome", outcomes[o])
            .register(registry);
      }
    }
  }

  private static void gauge(
      MeterRegistry registry,
      String meter,
      DefaultBreaker b,
      String kind,
      Function<CircuitBreaker.Metrics, Number> read,
      String what) {
    Gauge.builder(meter, b, x -> read.apply(x.engine().getMetrics()).doubleValue())
        .description("The number of " + what + " calls in the sliding window")
        .tag("name", b.name())
        .tag("kind", kind)
        .strongReference(true)
        .register(registry);
  }

  private static void timer(
      MeterRegistry registry, DefaultBreaker b, String kind, int slot, String what) {
    FunctionTimer.builder(
            CALLS, b.calls, c -> c.count(slot), c -> (double) c.nanos(slot), TimeUnit.NANOSECONDS)
        .description("Total number of " + what)
        .tag("name", b.name())
        .tag("kind", kind)
        .register(registry);
  }
}
