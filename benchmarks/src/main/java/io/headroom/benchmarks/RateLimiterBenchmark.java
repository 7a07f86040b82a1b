package io.headroom.benchmarks;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.headroom.ratelimit.Decision;
import io.headroom.ratelimit.FailurePolicy;
import io.headroom.ratelimit.Limit;
import io.headroom.ratelimit.RateLimiter;
import io.headroom.redis.RedisConnector;
import io.headroom.redis.RedisSettings;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.redisson.Redisson;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RateType;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * One rate-limit decision on Redis: headroom's one-round-trip GCRA script against Bucket4j's
 * Lettuce compare-and-swap proxy manager, Redisson's {@code RRateLimiter} and a plain Lettuce
 * {@code GET} (the floor: one round trip doing nothing); and the in-process engines, headroom's
 * local limiter against a Bucket4j bucket per key in a {@link ConcurrentHashMap}. Each at 1 and 4
 * threads ({@link T1}, {@link T4}), on one hot key and on 10k random keys. Every limiter has the
 * same generous limit (10^8 per hour), so every call is an allowed, charged decision.
 *
 * <p>Redis comes from {@code HEADROOM_BENCH_REDIS_URL} (benchmarks/run.sh starts one).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public abstract class RateLimiterBenchmark {
  private static final int KEYS = 10_000;
  private static final long PERMITS = 100_000_000L;
  private static final Duration WINDOW = Duration.ofHours(1);

  /** {@code hot}: one key for every call; {@code random}: one of 10k keys at random. */
  @Param({"hot", "random"})
  public String keys;

  private String[] names;
  private RedisConnector connector;
  private RateLimiter headroomRedis;
  private RateLimiter headroomLocal;
  private RedisClient lettuce;
  private StatefulRedisConnection<String, String> lettuceConnection;
  private RedisCommands<String, String> lettuceSync;
  private RedisClient bucket4jClient;
  private Bucket[] bucket4jRedis;
  private RedissonClient redisson;
  private RRateLimiter[] redissonLimiters;
  private final ConcurrentHashMap<String, Bucket> bucket4jLocalMap = new ConcurrentHashMap<>();
  private BucketConfiguration localConfig;

  @Setup(Level.Trial)
  public void setUp() {
    String url = System.getenv().getOrDefault("HEADROOM_BENCH_REDIS_URL", "redis://127.0.0.1:6379");
    int n = keys.equals("hot") ? 1 : KEYS;
    names = new String[n];
    for (int i = 0; i < n; i++) {
      names[i] = "user:" + i;
    }
    connector = RedisConnector.create(RedisSettings.of(url));
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    headroomRedis =
        RateLimiter.builder("bench")
            .limits(Limit.of(PERMITS, WINDOW))
            .redis(connector)
            .failurePolicy(FailurePolicy.FAIL_CLOSED)
            .meterRegistry(meters)
            .build();
    headroomLocal =
        RateLimiter.builder("bench-local")
            .limits(Limit.of(PERMITS, WINDOW))
            .meterRegistry(meters)
            .build();
    localConfig =
        BucketConfiguration.builder()
            .addLimit(l -> l.capacity(PERMITS).refillGreedy(PERMITS, WINDOW))
            .build();

    lettuce = RedisClient.create(url);
    lettuceConnection = lettuce.connect();
    lettuceSync = lettuceConnection.sync();

    bucket4jClient = RedisClient.create(url);
    StatefulRedisConnection<String, byte[]> b4jConn =
        bucket4jClient.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
    ProxyManager<String> proxies = Bucket4jLettuce.casBasedBuilder(b4jConn).build();
    bucket4jRedis = new Bucket[n];
    for (int i = 0; i < n; i++) {
      bucket4jRedis[i] = proxies.builder().build("b4j:" + names[i], () -> localConfig);
    }

    Config config = new Config();
    config.useSingleServer().setAddress(url).setConnectionMinimumIdleSize(4);
    redisson = Redisson.create(config);
    redissonLimiters = new RRateLimiter[n];
    for (int i = 0; i < n; i++) {
      RRateLimiter r = redisson.getRateLimiter("redisson:" + names[i]);
      r.trySetRate(RateType.OVERALL, PERMITS, WINDOW);
      redissonLimiters[i] = r;
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    lettuceSync.flushall();
    lettuceConnection.close();
    lettuce.shutdown();
    bucket4jClient.shutdown();
    redisson.shutdown();
    connector.close();
  }

  private int pick() {
    return names.length == 1 ? 0 : ThreadLocalRandom.current().nextInt(names.length);
  }

  /** headroom on Redis: one EVALSHA of the GCRA script. */
  @Benchmark
  public Decision headroomRedis() {
    return headroomRedis.tryAcquire(names[pick()]);
  }

  /** Bucket4j's Lettuce compare-and-swap proxy manager (GET, then a CAS script, retried). */
  @Benchmark
  public ConsumptionProbe bucket4jLettuce() {
    return bucket4jRedis[pick()].tryConsumeAndReturnRemaining(1);
  }

  /** Redisson's RRateLimiter. */
  @Benchmark
  public boolean redisson() {
    return redissonLimiters[pick()].tryAcquire();
  }

  /** The floor: one GET round trip through a plain Lettuce connection. */
  @Benchmark
  public String lettuceGet() {
    return lettuceSync.get(names[pick()]);
  }

  /**
   * headroom's in-process engine, single limit: key validation, a map lookup, one Bucket4j charge
   * (its SYNCHRONIZED bucket, no lock of ours), a {@link Decision} built from the probe, and a
   * Micrometer counter increment (metrics on).
   */
  @Benchmark
  public Decision headroomLocal() {
    return headroomLocal.tryAcquire(names[pick()]);
  }

  /**
   * Plain Bucket4j as a user would write it: look up the key's bucket in a ConcurrentHashMap
   * ({@code computeIfAbsent}, created on first use) and {@code tryConsumeAndReturnRemaining(1)} on
   * it (Bucket4j's defaults: lock-free bucket, millisecond clock); returns the probe, records
   * nothing.
   */
  @Benchmark
  public ConsumptionProbe bucket4jLocal() {
    return bucket4jLocalMap
        .computeIfAbsent(
            names[pick()], k -> Bucket.builder().addLimit(localConfig.getBandwidths()[0]).build())
        .tryConsumeAndReturnRemaining(1);
  }

  /** Every benchmark at one thread. */
  @Threads(1)
  public static class T1 extends RateLimiterBenchmark {}

  /** Every benchmark at four threads. */
  @Threads(4)
  public static class T4 extends RateLimiterBenchmark {}
}
