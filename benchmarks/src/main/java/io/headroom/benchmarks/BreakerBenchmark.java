package io.headroom.benchmarks;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.headroom.breaker.Breaker;
import io.headroom.breaker.BreakerConfig;
import io.headroom.breaker.BreakerPreset;
import io.headroom.breaker.BreakerRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cost of guarding a call with a closed breaker: headroom's {@link Breaker} (metrics on)
 * against resilience4j's decorated supplier with and without resilience4j-micrometer, and against
 * no breaker at all. Run with {@code -prof gc} to see the allocation per call ({@code
 * gc.alloc.rate.norm}).
 *
 * <p>All three breakers use the same window (count-based, 50 calls, minimum 20, 50% failure rate,
 * 250 ms slow-call threshold: the REDIS preset) and stay closed: every call succeeds.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BreakerBenchmark {
  private String value = "value";
  private Supplier<String> work;

  private Breaker headroom;
  private Supplier<String> resilience4jDecorated;
  private Supplier<String> resilience4jNoMetrics;

  @Setup
  public void setUp() {
    work = this::value;
    headroom =
        BreakerRegistry.builder()
            .meterRegistry(new SimpleMeterRegistry())
            .build()
            .breaker("bench", BreakerPreset.REDIS);

    BreakerConfig preset = BreakerPreset.REDIS.config();
    CircuitBreakerConfig config =
        CircuitBreakerConfig.custom()
            .slidingWindow(
                preset.windowSize(), preset.minimumCalls(), SlidingWindowType.COUNT_BASED)
            .failureRateThreshold((float) preset.failureRateThreshold())
            .slowCallRateThreshold((float) preset.slowCallRateThreshold())
            .slowCallDurationThreshold(preset.slowCallDuration())
            .permittedNumberOfCallsInHalfOpenState(preset.halfOpenCalls())
            .build();

    CircuitBreakerRegistry withMetrics = CircuitBreakerRegistry.of(config);
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(withMetrics)
        .bindTo(new SimpleMeterRegistry());
    resilience4jDecorated =
        CircuitBreaker.decorateSupplier(withMetrics.circuitBreaker("bench"), work);

    resilience4jNoMetrics =
        CircuitBreaker.decorateSupplier(CircuitBreaker.of("plain", config), work);
  }

  private String value() {
    return value;
  }

  /** headroom, meters registered in a SimpleMeterRegistry. */
  @Benchmark
  public String headroomCall() {
    return headroom.call(work);
  }

  /** resilience4j's decorateSupplier with TaggedCircuitBreakerMetrics bound to a registry. */
  @Benchmark
  public String resilience4jDecorated() {
    return resilience4jDecorated.get();
  }

  /** resilience4j's decorateSupplier, no event consumers. */
  @Benchmark
  public String resilience4jNoMetrics() {
    return resilience4jNoMetrics.get();
  }

  /** The call with no breaker: the floor. */
  @Benchmark
  public String direct() {
    return work.get();
  }
}
