package io.headroom.idgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.testkit.Concurrently;
import io.headroom.testkit.FakeTicker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class IdGeneratorTest {
  private final FakeTicker time = new FakeTicker(Instant.parse("2025-06-01T00:00:00Z"));
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicInteger spins = new AtomicInteger();
  private final List<Long> hints = new CopyOnWriteArrayList<>();

  private IdGeneratorConfig.Builder fakeTime() {
    return IdGeneratorConfig.builder()
        .workerId(5)
        .ticker(time)
        .instantSource(time)
        .meterRegistry(registry)
        .spinWait(nanos -> spins.incrementAndGet());
  }

  private double counter(String name) {
    return registry.get(name).tag("name", "default").counter().count();
  }

  @Test
  void issuesPositiveIdsThatDecomposeIntoTimeWorkerAndSequence() {
    try (IdGenerator ids = IdGenerator.create(fakeTime().build())) {
      long first = ids.nextId();
      long second = ids.nextId();
      assertThat(first).isPositive();
      assertThat(ids.decompose(first))
          .isEqualTo(new IdParts(Instant.parse("2025-06-01T00:00:00Z"), 5, 0));
      assertThat(ids.decompose(second))
          .isEqualTo(new IdParts(Instant.parse("2025-06-01T00:00:00Z"), 5, 1));
      time.advance(Duration.ofMillis(7).plusNanos(300));
      assertThat(ids.decompose(ids.nextId()))
          .isEqualTo(new IdParts(Instant.parse("2025-06-01T00:00:00.007Z"), 5, 0));
      assertThat(ids.workerId()).isEqualTo(5);
      assertThat(ids.layout()).isEqualTo(IdLayout.DEFAULT);
    }
  }

  @Test
  void defaultLayoutPacksFieldsAs41And10And12Bits() {
    try (IdGenerator ids = IdGenerator.create(fakeTime().workerId(1023).build())) {
      long id = ids.nextId();
      long millis = Duration.between(IdLayout.DEFAULT_EPOCH, time.instant()).toMillis();
      assertThat(id).isEqualTo((millis << 22) | (1023L << 12));
    }
  }

  @Test
  void waitsForTheNextMillisecondWhenTheSequenceRunsOutWhileTimeStandsStill() {
    try (IdGenerator ids = IdGenerator.create(fakeTime().build())) {
      long last = -1;
      for (int i = 0; i < 4096; i++) {
        long id = ids.nextId();
        assertThat(id).isGreaterThan(last);
        last = id;
      }
      assertThat(ids.decompose(last).sequence()).isEqualTo(4095);
      assertThat(spins).hasValue(0);

      // Time stands still until the generator spins; each spin lets 250 us pass.
      IdGenerator spinning =
          IdGenerator.create(
              fakeTime()
                  .spinWait(
                      nanos -> {
                        spins.incrementAndGet();
                        hints.add(nanos);
                        time.advance(250, TimeUnit.MICROSECONDS);
                      })
                  .workerId(6)
                  .build());
      for (int i = 0; i < 4096; i++) {
        spinning.nextId();
      }
      long after = spinning.nextId();
      assertThat(spins).hasValue(4);
      assertThat(hints).containsExactly(1_000_000L, 750_000L, 500_000L, 250_000L);
      assertThat(spinning.decompose(after)).isEqualTo(new IdParts(time.instant(), 6, 0));
      assertThat(spinning.decompose(after).timestamp())
          .isEqualTo(ids.decompose(last).timestamp().plusMillis(1));
      assertThat(counter("idgen.sequence.exhausted")).isEqualTo(1.0);
      spinning.close();
    }
  }

  @Test
  void waitsOutAClockStepBackWithinTheBound() {
    AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);
    InstantSource wall = () -> time.instant().minus(offset.get());
    IdGeneratorConfig config =
        fakeTime()
            .instantSource(wall)
            .spinWait(
                nanos -> {
                  spins.incrementAndGet();
                  hints.add(nanos);
                  time.advance(500, TimeUnit.MICROSECONDS);
                })
            .build();
    try (IdGenerator ids = IdGenerator.create(config)) {
      time.advance(999, TimeUnit.MILLISECONDS);
      long before = ids.nextId();
      offset.set(Duration.ofMillis(3)); // NTP steps the wall clock back 3 ms
      time.advance(1, TimeUnit.MILLISECONDS); // the periodic wall-clock check is now due

      long after = ids.nextId();

      assertThat(after).isGreaterThan(before);
      assertThat(spins).hasValue(4); // wall 997 ms -> 999 ms in 0.5 ms spins
      assertThat(hints).containsExactly(2_000_000L, 1_500_000L, 1_000_000L, 500_000L);
      assertThat(ids.decompose(after).timestamp()).isEqualTo(ids.decompose(before).timestamp());
      assertThat(ids.decompose(after).sequence()).isEqualTo(1);
      assertThat(counter("idgen.clock.backwards")).isEqualTo(1.0);
      assertThat(counter("idgen.clock.backwards.waits")).isEqualTo(1.0);
    }
  }

  @Test
  void refusesBeyondTheBoundWithTheStepSizeAndResumesWhenTheClockCatchesUp() {
    AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);
    InstantSource wall = () -> time.instant().minus(offset.get());
    try (IdGenerator ids = IdGenerator.create(fakeTime().instantSource(wall).build())) {
      time.advance(999, TimeUnit.MILLISECONDS);
      long before = ids.nextId();
      offset.set(Duration.ofMillis(20));
      time.advance(1, TimeUnit.MILLISECONDS);

      assertThatThrownBy(ids::nextId)
          .isInstanceOfSatisfying(
              ClockMovedBackwardsException.class,
              e -> {
                assertThat(e.step()).isEqualTo(Duration.ofMillis(20));
                assertThat(e.behind()).isEqualTo(Duration.ofMillis(19));
                assertThat(e.maxWait()).isEqualTo(Duration.ofMillis(5));
                assertThat(e.getStackTrace()).isEmpty();
              })
          .hasMessageContaining("clock moved backwards by 20 ms")
          .hasMessageContaining("19 ms ahead of the clock")
          .hasMessageContaining("more than the 5 ms");
      assertThatThrownBy(ids::nextId).isInstanceOf(ClockMovedBackwardsException.class);
      assertThat(spins).hasValue(0);
      assertThat(counter("idgen.clock.backwards")).isEqualTo(1.0); // one step, however many calls

      time.advance(19, TimeUnit.MILLISECONDS);
      long after = ids.nextId();
      assertThat(after).isGreaterThan(before);
    }
  }

  @Test
  void failFastPolicyNeverWaits() {
    AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);
    InstantSource wall = () -> time.instant().minus(offset.get());
    IdGeneratorConfig config =
        fakeTime()
            .instantSource(wall)
            .clockBackwardsPolicy(ClockBackwardsPolicy.failFast())
            .wallClockCheckInterval(Duration.ofMillis(100))
            .build();
    try (IdGenerator ids = IdGenerator.create(config)) {
      time.advance(99, TimeUnit.MILLISECONDS);
      ids.nextId();
      offset.set(Duration.ofMillis(2));
      time.advance(1, TimeUnit.MILLISECONDS);
      assertThatThrownBy(ids::nextId)
          .isInstanceOf(ClockMovedBackwardsException.class)
          .hasMessageContaining("by 2 ms");
    }
  }

  @Test
  void aStepBackBehindNoIssuedIdIsCountedButCostsNothing() {
    AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);
    InstantSource wall = () -> time.instant().minus(offset.get());
    try (IdGenerator ids = IdGenerator.create(fakeTime().instantSource(wall).build())) {
      long before = ids.nextId();
      time.advance(5, TimeUnit.SECONDS);
      offset.set(Duration.ofMillis(50));
      long after = ids.nextId();
      assertThat(after).isGreaterThan(before);
      assertThat(ids.decompose(after).timestamp()).isEqualTo(wall.instant());
      assertThat(counter("idgen.clock.backwards")).isEqualTo(1.0);
      assertThat(spins).hasValue(0);
    }
  }

  @Test
  void followsAWallClockStepForwardWithoutCountingIt() {
    AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);
    InstantSource wall = () -> time.instant().plus(offset.get());
    try (IdGenerator ids = IdGenerator.create(fakeTime().instantSource(wall).build())) {
      ids.nextId();
      offset.set(Duration.ofMinutes(3));
      time.advance(1, TimeUnit.SECONDS);
      assertThat(ids.decompose(ids.nextId()).timestamp()).isEqualTo(wall.instant());
      assertThat(counter("idgen.clock.backwards")).isZero();
    }
  }

  @Test
  void readsTheWallClockOnlyWhenAPeriodicCheckIsDue() {
    AtomicInteger wallReads = new AtomicInteger();
    InstantSource wall =
        () -> {
          wallReads.incrementAndGet();
          return time.instant();
        };
    try (IdGenerator ids = IdGenerator.create(fakeTime().instantSource(wall).build())) {
      int atStart = wallReads.get();
      for (int i = 0; i < 10_000; i++) {
        time.advance(50, TimeUnit.MICROSECONDS); // 0.5 s in all
        ids.nextId();
      }
      assertThat(wallReads.get()).isEqualTo(atStart);
      time.advance(500, TimeUnit.MILLISECONDS);
      ids.nextId();
      assertThat(wallReads.get()).isEqualTo(atStart + 1);
    }
  }

  @Test
  void failsWhenTheTimestampOverflowsTheLayout() {
    IdLayout layout = IdLayout.of(39, 12, 12, Instant.parse("2025-01-01T00:00:00Z"));
    try (IdGenerator ids = IdGenerator.create(fakeTime().layout(layout).build())) {
      ids.nextId();
      time.advance(Duration.ofDays(366 * 18));
      assertThatThrownBy(ids::nextId)
          .isInstanceOf(IdGeneratorException.class)
          .hasMessageContaining("no longer fits 39 bits");
    }
  }

  @Test
  void stopsIssuingOnceClosed() {
    IdGenerator ids = IdGenerator.create(fakeTime().build());
    ids.nextId();
    ids.close();
    ids.close();
    assertThatThrownBy(ids::nextId)
        .isInstanceOf(WorkerLeaseLostException.class)
        .hasMessageContaining("worker ID 5 was released");
  }

  @Test
  void refusesAWorkerIdTheLayoutCannotHold() {
    assertThatThrownBy(() -> IdGenerator.withWorkerId(1024))
        .isInstanceOf(NoWorkerIdAvailableException.class)
        .hasMessage(
            "workerId must be in [0, 1023] for this layout: 1024 (add worker bits or pick a smaller"
                + " ID)");
  }

  @Test
  void eightThreadsShareOneGeneratorWithoutDuplicatesAndEachSeesIncreasingIds() throws Exception {
    int threads = 8;
    int perThread = 500_000;
    long[][] perThreadIds = new long[threads][perThread];
    try (IdGenerator ids = IdGenerator.withWorkerId(3)) {
      Concurrently.run(
          threads,
          Duration.ofMinutes(2),
          t -> {
            long[] mine = perThreadIds[t];
            long last = -1;
            for (int i = 0; i < perThread; i++) {
              long id = ids.nextId();
              if (id <= last) {
                throw new AssertionError("thread " + t + " saw " + id + " after " + last);
              }
              mine[i] = id;
              last = id;
            }
          });
    }
    assertAllDistinct(perThreadIds, threads * perThread);
  }

  @Test
  void fourGeneratorsWithDistinctWorkersNeverCollide() throws Exception {
    int generators = 4;
    int perGenerator = 500_000;
    long[][] all = new long[generators][perGenerator];
    List<IdGenerator> gens = new ArrayList<>();
    for (int w = 0; w < generators; w++) {
      gens.add(IdGenerator.withWorkerId(w));
    }
    try {
      Concurrently.run(
          generators,
          Duration.ofMinutes(2),
          g -> {
            IdGenerator ids = gens.get(g);
            for (int i = 0; i < perGenerator; i++) {
              all[g][i] = ids.nextId();
            }
          });
    } finally {
      gens.forEach(IdGenerator::close);
    }
    assertAllDistinct(all, generators * perGenerator);
    for (int g = 0; g < generators; g++) {
      assertThat(gens.get(g).decompose(all[g][perGenerator - 1]).workerId()).isEqualTo(g);
    }
  }

  private static void assertAllDistinct(long[][] parts, int expected) {
    long[] merged = new long[expected];
    int n = 0;
    for (long[] p : parts) {
      System.arraycopy(p, 0, merged, n, p.length);
      n += p.length;
    }
    Arrays.sort(merged);
    int duplicates = 0;
    for (int i = 1; i < merged.length; i++) {
      if (merged[i] == merged[i - 1]) {
        duplicates++;
      }
    }
    assertThat(n).isEqualTo(expected);
    assertThat(merged[0]).isPositive();
    assertThat(duplicates).isZero();
  }
}
