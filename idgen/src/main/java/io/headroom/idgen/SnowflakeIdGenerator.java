package io.headroom.idgen;

import io.headroom.core.Checks;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The lock-free Snowflake generator. The state is one long, {@code millis << sequenceBits |
 * sequence}, advanced by compare-and-set, so the (millis, sequence) pairs issued are strictly
 * increasing and the IDs with them.
 */
final class SnowflakeIdGenerator implements IdGenerator {
  private final IdLayout layout;
  private final WorkerLease lease;
  private final long workerId;
  private final AnchoredClock clock;
  private final int sequenceBits;
  private final long sequenceMask;
  private final int timestampShift;
  private final long workerPart;
  private final long maxTimestamp;
  private final long maxWaitMillis;
  private final Duration maxWait;
  private final Runnable spinWait;
  private final Counter sequenceExhausted;
  private final Counter clockWaits;
  // -1 means nothing issued yet: every millis reading is greater.
  private final AtomicLong state = new AtomicLong(-1L);

  SnowflakeIdGenerator(IdGeneratorConfig config) {
    Checks.notNull(config, "config");
    this.layout = config.layout();
    this.sequenceBits = layout.sequenceBits();
    this.sequenceMask = layout.maxSequence();
    this.timestampShift = layout.sequenceBits() + layout.workerBits();
    this.maxTimestamp = layout.maxTimestamp();
    this.maxWait = config.clockBackwardsPolicy().maxWait();
    this.maxWaitMillis = maxWait.toMillis();
    this.spinWait = config.spinWait();
    MeterRegistry registry = config.meterRegistry();
    String name = config.name();
    Counter backwards =
        Counter.builder("idgen.clock.backwards")
            .description("Steps back of the wall clock noticed by the ID generator")
            .tag("name", name)
            .register(registry);
    this.clockWaits =
        Counter.builder("idgen.clock.backwards.waits")
            .description("Calls that waited for the clock to catch up with the last issued ID")
            .tag("name", name)
            .register(registry);
    this.sequenceExhausted =
        Counter.builder("idgen.sequence.exhausted")
            .description("Calls that waited for the next millisecond: its sequence was used up")
            .tag("name", name)
            .register(registry);
    this.clock =
        new AnchoredClock(
            config.ticker(),
            config.instantSource(),
            layout.epoch(),
            config.wallClockCheckInterval().toNanos(),
            backwards);
    WorkerLease acquired = config.workerIdProvider().acquire(layout.maxWorkerId());
    long id = acquired.workerId();
    if (id < 0 || id > layout.maxWorkerId()) {
      acquired.close();
      throw new NoWorkerIdAvailableException(
          "provider "
              + config.workerIdProvider()
              + " returned worker ID "
              + id
              + " outside [0, "
              + layout.maxWorkerId()
              + "]",
          null);
    }
    this.lease = acquired;
    this.workerId = id;
    this.workerPart = id << sequenceBits;
  }

  @Override
  public long nextId() {
    lease.ensureHeld();
    boolean waitedForClock = false;
    boolean waitedForSequence = false;
    while (true) {
      long prev = state.get();
      long now = clock.millis(); // read after the state, so a racing thread cannot look "ahead"
      long prevMillis = prev >> sequenceBits;
      long next;
      if (now > prevMillis) {
        if (now > maxTimestamp) {
          throw overflow(now);
        }
        next = now << sequenceBits;
      } else if (now == prevMillis) {
        if ((prev & sequenceMask) == sequenceMask) {
          if (!waitedForSequence) {
            waitedForSequence = true;
            sequenceExhausted.increment();
          }
          spinWait.run();
          continue;
        }
        next = prev + 1;
      } else {
        long behind = prevMillis - now;
        if (behind > maxWaitMillis) {
          throw new ClockMovedBackwardsException(
              Duration.ofNanos(clock.lastStepBackNanos()), Duration.ofMillis(behind), maxWait);
        }
        if (!waitedForClock) {
          waitedForClock = true;
          clockWaits.increment();
        }
        spinWait.run();
        continue;
      }
      if (state.compareAndSet(prev, next)) {
        return ((next >> sequenceBits) << timestampShift) | workerPart | (next & sequenceMask);
      }
    }
  }

  private IdGeneratorException overflow(long now) {
    return new IdGeneratorException(
        "timestamp "
            + now
            + " ms since "
            + layout.epoch()
            + " no longer fits "
            + layout.timestampBits()
            + " bits (overflowed at "
            + layout.overflowsAt()
            + ")");
  }

  @Override
  public IdParts decompose(long id) {
    return layout.decompose(id);
  }

  @Override
  public IdLayout layout() {
    return layout;
  }

  @Override
  public long workerId() {
    return workerId;
  }

  @Override
  public void close() {
    lease.close();
  }

  @Override
  public String toString() {
    return "IdGenerator{workerId=" + workerId + ", layout=" + layout + "}";
  }
}
