package io.headroom.benchmarks;

import cn.hutool.core.lang.Snowflake;
import io.headroom.idgen.IdGenerator;
import io.headroom.idgen.IdGeneratorConfig;
import io.headroom.idgen.IdLayout;
import io.headroom.idgen.ShortCodes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Date;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * ID generation: headroom's {@link IdGenerator} against Hutool's {@link Snowflake}, both with the
 * 41/10/12 layout, at 1 and 2 threads sharing one generator. Both are capped by the layout at 4096
 * IDs per millisecond per worker (4,096,000 ops/s), so the figure to read is how close each gets to
 * the cap. Also the cost of {@link ShortCodes#encode} and {@link ShortCodes#decode}.
 */
public class IdGeneratorBenchmark {

  /** One generator of each kind, shared by the benchmark's threads. */
  @State(Scope.Benchmark)
  public static class Generators {
    IdGenerator headroom;
    Snowflake hutool;

    @Setup(Level.Trial)
    public void setUp() {
      headroom =
          IdGenerator.create(
              IdGeneratorConfig.builder()
                  .workerId(1)
                  .meterRegistry(new SimpleMeterRegistry())
                  .build());
      // Hutool splits the 10 worker bits into 5 of worker and 5 of data center; system clock
      // read on every call (isUseSystemClock=false), as its default constructor does.
      hutool = new Snowflake(Date.from(IdLayout.DEFAULT_EPOCH), 1, 0, false);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      headroom.close();
    }
  }

  /** Inputs for the short-code benchmarks, one set per thread. */
  @State(Scope.Thread)
  public static class Codes {
    private static final int SIZE = 1024;
    final ShortCodes codes = ShortCodes.withKey(0x5EED_1234_ABCD_9876L);
    final long[] ids = new long[SIZE];
    final String[] encoded = new String[SIZE];
    int next;

    @Setup(Level.Trial)
    public void setUp() {
      SplittableRandom random = new SplittableRandom(1);
      long base = 306_298_232_461_402_112L; // Snowflake IDs from 2026
      for (int i = 0; i < SIZE; i++) {
        ids[i] = base + random.nextLong(1L << 40);
        encoded[i] = codes.encode(ids[i]);
      }
    }

    int nextIndex() {
      int i = next;
      next = (i + 1) & (SIZE - 1);
      return i;
    }
  }

  /** headroom, one thread. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(1)
  public long headroomNextId(Generators g) {
    return g.headroom.nextId();
  }

  /** headroom, two threads on one generator. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(2)
  public long headroomNextId2Threads(Generators g) {
    return g.headroom.nextId();
  }

  /** Hutool's Snowflake (synchronized), one thread. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(1)
  public long hutoolSnowflake(Generators g) {
    return g.hutool.nextId();
  }

  /** Hutool's Snowflake, two threads on one generator. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(2)
  public long hutoolSnowflake2Threads(Generators g) {
    return g.hutool.nextId();
  }

  /** ID to short code. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public String shortCodeEncode(Codes c) {
    return c.codes.encode(c.ids[c.nextIndex()]);
  }

  /** Short code back to ID. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public long shortCodeDecode(Codes c) {
    return c.codes.decode(c.encoded[c.nextIndex()]);
  }
}
