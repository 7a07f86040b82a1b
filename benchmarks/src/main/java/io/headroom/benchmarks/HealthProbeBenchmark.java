package io.headroom.benchmarks;

import io.headroom.health.CheckConfig;
import io.headroom.health.CheckResult;
import io.headroom.health.CheckState;
import io.headroom.health.HealthCheck;
import io.headroom.health.HealthEndpoints;
import io.headroom.health.HealthGroup;
import io.headroom.health.HealthRegistry;
import io.headroom.health.HealthReport;
import io.headroom.health.HealthResponse;
import io.headroom.health.Status;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What a Kubernetes probe costs in-process: headroom's handler answering {@code /health/readiness}
 * from snapshots while one of its checks hangs, against the hand-rolled probe most services start
 * with, which runs its checks inline on every request (here: a real Redis PING through Lettuce
 * against the Redis that {@code benchmarks/run.sh} starts, and an in-memory check).
 *
 * <p>The inline peer cannot include the hanging check at all: it would never answer. That is the
 * point of snapshots; the ratio shows what the inline PING costs on top.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HealthProbeBenchmark {
  private HealthRegistry health;
  private HealthEndpoints endpoints;
  private CountDownLatch release;
  private RedisClient client;
  private StatefulRedisConnection<String, String> connection;
  private HealthCheck redisPing;
  private HealthCheck memory;

  @Setup
  public void setUp() throws Exception {
    String url = System.getenv().getOrDefault("HEADROOM_BENCH_REDIS_URL", "redis://127.0.0.1:6379");
    client = RedisClient.create(url);
    connection = client.connect();
    RedisCommands<String, String> redis = connection.sync();
    redisPing = () -> "PONG".equals(redis.ping()) ? CheckResult.up() : CheckResult.down("no PONG");
    memory = () -> CheckResult.up().withDetail("free", Runtime.getRuntime().freeMemory() > 0);

    release = new CountDownLatch(1);
    HealthCheck hanging =
        () -> {
          release.await();
          return CheckResult.up();
        };
    health = HealthRegistry.builder().drainDelay(Duration.ZERO).build();
    health.register(CheckConfig.builder("redis", redisPing).dependency(true));
    health.register(CheckConfig.builder("memory", memory));
    health.register(
        CheckConfig.builder("search", hanging)
            .timeout(Duration.ofMillis(100))
            .interval(Duration.ofSeconds(1))
            .critical(false));
    health.markStarted();
    endpoints = HealthEndpoints.builder(health).build();

    // Wait until every check has a result: the hanging one times out and degrades readiness.
    long deadline = 200;
    while (deadline-- > 0 && !settled(health.report(HealthGroup.READINESS))) {
      Thread.sleep(20);
    }
    HealthResponse r = readinessSnapshot();
    if (r.status() != 200 || !r.body().startsWith("{\"status\":\"DEGRADED\"")) {
      throw new IllegalStateException("unexpected readiness: " + r);
    }
  }

  private static boolean settled(HealthReport report) {
    for (CheckState c : report.checks()) {
      if (c.status() == Status.UNKNOWN) {
        return false;
      }
    }
    return true;
  }

  @TearDown
  public void tearDown() {
    release.countDown();
    health.shutdown();
    connection.close();
    client.shutdown();
  }

  /** headroom: the full in-process handler (routing, snapshot read, JSON) while a check hangs. */
  @Benchmark
  public HealthResponse readinessSnapshot() {
    return endpoints.handle("GET", "/health/readiness", HealthProbeBenchmark::noHeader);
  }

  /** headroom: the report alone, without routing or JSON. */
  @Benchmark
  public HealthReport readinessReportOnly() {
    return health.report(HealthGroup.READINESS);
  }

  /** Peer: a hand-rolled probe running its checks inline (real Redis PING) and writing JSON. */
  @Benchmark
  public String inlineChecksProbe() throws Exception {
    CheckResult redis = redisPing.check();
    CheckResult mem = memory.check();
    Status status = redis.status().worst(mem.status());
    return "{\"status\":\""
        + status
        + "\",\"checks\":[{\"name\":\"redis\",\"status\":\""
        + redis.status()
        + "\"},{\"name\":\"memory\",\"status\":\""
        + mem.status()
        + "\"}]}";
  }

  private static @org.jspecify.annotations.Nullable String noHeader(String name) {
    return null;
  }
}
