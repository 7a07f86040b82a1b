package io.headroom.idgen;

import io.headroom.core.Checks;
import io.headroom.core.MeterConventions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.function.LongConsumer;

/**
 * The Snowflake generator. The state is one long, {@code millis << sequenceBits | sequence},
 * advanced under a short lock, so the (millis, sequence) pairs issued are strictly increasing and
 * the IDs with them. A lock measured faster than a compare-and-set loop with two threads on two
 * cores: the JVM's monitor lets one thread run a whole millisecond's sequence while the other
 * parks, where CAS makes both bounce the state's cache line on every ID.
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
  private final LongConsumer pause;
  private final Counter sequenceExhausted;
  private final Counter clockWaits;
  private final Object lock = new Object();
  // millis << sequenceBits | sequence of the last ID; -1 means none yet. Guarded by lock.
  private long state = -1L;

  SnowflakeIdGenerator(IdGeneratorConfig config) {
    Checks.notNull(config, "config");
    this.layout = config.layout();
    this.sequenceBits = layout.sequenceBits();
    this.sequenceMask = layout.maxSequence();
    this.timestampShift = layout.sequenceBits() + layout.workerBits();
    this.maxTimestamp = layout.maxTimestamp();
    this.maxWait = config.clockBackwardsPolicy().maxWait();
    this.maxWaitMillis = maxWait.toMillis();
    this.pause = config.pause();
    // No registry given: meters on one that records nothing (these count rare events only).
    MeterRegistry registry = MeterConventions.orNoop(config.meterRegistry().orElse(null));
    String name = config.name();
    Counter backwards =
        Counter.builder("idgen.clock.backwards")
            .description("Steps back of the wall clock noticed by the ID generator")
            .tag(MeterConventions.NAME, name)
            .register(registry);
    this.clockWaits =
        Counter.builder("idgen.clock.backwards.waits")
            .description("Calls that waited for the clock to catch up with the last issued ID")
            .tag(MeterConventions.NAME, name)
            .register(registry);
    this.sequenceExhausted =
        Counter.builder("idgen.sequence.exhausted")
            .description("Calls that waited for the next millisecond: its sequence was used up")
            .tag(MeterConventions.NAME, name)
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
    long next;
    synchronized (lock) {
      next = advance();
    }
    // Checked after the timestamp was read: an ID returned carries a time at which the lease was
    // still safely held, even if this thread was paused in between.
    lease.ensureHeld();
    return ((next >> sequenceBits) << timestampShift) | workerPart | (next & sequenceMask);
  }

  /** Moves the state to the next (millis, sequence) pair and returns it; caller holds the lock. */
  private long advance() {
    boolean waitedForClock = false;
    boolean waitedForSequence = false;
    while (true) {
      long prev = state;
      long nowNanos = clock.nanos();
      long now = Math.floorDiv(nowNanos, 1_000_000L);
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
          pause.accept((prevMillis + 1) * 1_000_000L - nowNanos);
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
        pause.accept(prevMillis * 1_000_000L - nowNanos);
        continue;
      }
      state = next;
      return next;
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
