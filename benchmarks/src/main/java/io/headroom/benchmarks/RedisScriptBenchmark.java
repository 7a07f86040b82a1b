package io.headroom.benchmarks;

import io.headroom.redis.RedisConnector;
import io.headroom.redis.RedisScript;
import io.headroom.redis.RedisSettings;
import io.headroom.redis.ScriptOutput;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * What a one-round-trip Lua script costs next to the cheapest command: headroom's {@code EVALSHA}
 * (a script that GETs one key and INCRs another, the shape of a rate-limit or cache script) against
 * a raw Lettuce {@code GET}, on one shared connection, at 1 and 4 threads. {@code headroomGet}
 * shows what headroom's connector adds to Lettuce for the same GET.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class RedisScriptBenchmark {
  private static final RedisScript<Long> SCRIPT =
      RedisScript.of(
          "bench",
          "local v = redis.call('GET', KEYS[1]); return redis.call('INCRBY', KEYS[2], ARGV[1])",
          ScriptOutput.INTEGER);
  private static final List<String> KEYS = List.of("{bench}:v", "{bench}:n");
  private static final List<Object> ARGS = List.of(1);

  private RedisConnector connector;
  private RedisClient client;
  private StatefulRedisConnection<String, String> connection;
  private RedisCommands<String, String> lettuce;

  @Setup
  public void setUp() {
    String url = System.getenv().getOrDefault("HEADROOM_BENCH_REDIS_URL", "redis://127.0.0.1:6379");
    connector = RedisConnector.create(RedisSettings.of(url));
    for (int i = 0; i < 100 && !connector.isConnected(); i++) {
      Thread.onSpinWait();
      try {
        connector.await(connector.ping());
      } catch (RuntimeException e) {
        LockSupport.parkNanos(100_000_000L); // the first connect can time out on a loaded machine
      }
    }
    connector.await(
        connector.set("{bench}:v", "value".getBytes(StandardCharsets.UTF_8), Duration.ofHours(1)));
    connector.await(SCRIPT.run(connector, KEYS, ARGS));
    client = RedisClient.create(url);
    connection = client.connect();
    lettuce = connection.sync();
  }

  @TearDown
  public void tearDown() {
    connection.close();
    client.shutdown();
    connector.close();
  }

  @Benchmark
  public Long headroomEvalsha() {
    return connector.await(SCRIPT.run(connector, KEYS, ARGS));
  }

  @Benchmark
  public String lettuceGet() {
    return lettuce.get("{bench}:v");
  }

  @Benchmark
  public byte[] headroomGet() {
    return connector.await(connector.get("{bench}:v"));
  }

  @Benchmark
  @Threads(4)
  public Long headroomEvalsha4() {
    return connector.await(SCRIPT.run(connector, KEYS, ARGS));
  }

  @Benchmark
  @Threads(4)
  public String lettuceGet4() {
    return lettuce.get("{bench}:v");
  }

  @Benchmark
  @Threads(4)
  public byte[] headroomGet4() {
    return connector.await(connector.get("{bench}:v"));
  }
}
