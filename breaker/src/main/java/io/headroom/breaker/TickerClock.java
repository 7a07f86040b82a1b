package io.headroom.breaker;

import io.headroom.core.Ticker;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A {@link Clock} over a monotonic {@link Ticker}, so resilience4j's open-state wait and time-based
 * window follow the injected ticker (and a {@code FakeTicker} in tests). Its instants are only
 * meaningful relative to each other.
 */
final class TickerClock extends Clock {
  private final Ticker ticker;

  TickerClock(Ticker ticker) {
    this.ticker = ticker;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochSecond(0, ticker.read());
  }

  @Override
  public long millis() {
    return Math.floorDiv(ticker.read(), 1_000_000L);
  }
}
