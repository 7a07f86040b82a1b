package io.headroom.testkit;

import io.headroom.core.Checks;
import io.headroom.core.Ticker;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Time that moves only when a test says so. It is both a monotonic {@link Ticker} and a wall-clock
 * {@link InstantSource}: {@link #instant()} is the start instant plus the ticks advanced so far, so
 * code that reads both sees them agree.
 *
 * <pre>{@code
 * FakeTicker time = new FakeTicker();
 * Breaker b = registry.toBuilder().ticker(time).build().breaker("db", BreakerPreset.DATABASE);
 * time.advance(Duration.ofSeconds(30));
 * }</pre>
 *
 * <p>Thread-safe: reads and advances are atomic.
 */
public final class FakeTicker implements Ticker, InstantSource {
  private final AtomicLong nanos;
  private final Instant start;

  /** A ticker at nanos 0 whose wall clock starts at 2024-01-01T00:00:00Z. */
  public FakeTicker() {
    this(Instant.parse("2024-01-01T00:00:00Z"));
  }

  /**
   * A ticker at nanos 0 whose wall clock starts at {@code start}.
   *
   * @throws NullPointerException if {@code start} is null
   */
  public FakeTicker(Instant start) {
    this.start = Checks.notNull(start, "start");
    this.nanos = new AtomicLong();
  }

  @Override
  public long read() {
    return nanos.get();
  }

  @Override
  public Instant instant() {
    return start.plusNanos(nanos.get());
  }

  @Override
  public long millis() {
    return instant().toEpochMilli();
  }

  /**
   * Moves time forward (or backward, for clock-step tests) by {@code amount}.
   *
   * @return this ticker, for chaining
   * @throws NullPointerException if {@code amount} is null
   */
  public FakeTicker advance(Duration amount) {
    nanos.addAndGet(Checks.notNull(amount, "amount").toNanos());
    return this;
  }

  /**
   * Moves time by {@code amount} of {@code unit}.
   *
   * @return this ticker, for chaining
   */
  public FakeTicker advance(long amount, TimeUnit unit) {
    nanos.addAndGet(unit.toNanos(amount));
    return this;
  }

  /**
   * Sets the reading to {@code nanos} exactly.
   *
   * @return this ticker, for chaining
   */
  public FakeTicker set(long nanos) {
    this.nanos.set(nanos);
    return this;
  }

  @Override
  public String toString() {
    return "FakeTicker{" + nanos.get() + "ns}";
  }
}
