package io.headroom.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.headroom.cache.CacheCodec;
import io.headroom.cache.KeyCodec;
import io.headroom.cache.TieredCache;
import io.headroom.redis.RedisConnector;
import io.headroom.redis.RedisSettings;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.openjdk.jmh.infra.Blackhole;
import org.redisson.Redisson;
import org.redisson.api.RLocalCachedMap;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.LocalCachedMapOptions;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * headroom's TieredCache against what a user would otherwise pick, one thread, average time:
 *
 * <ul>
 *   <li>{@code headroomL1Hit} (L1 + L2 configured, value in L1) vs {@code caffeineHit} (raw
 *       Caffeine {@code getIfPresent}, same size bound and a 5-minute expireAfterWrite), {@code
 *       caffeineVariableExpiryHit} (raw Caffeine with per-entry expiry, as jitter needs) and the
 *       peers' own two-level caches on a local hit: {@code redissonLocalCachedMapHit}, {@code
 *       jetcacheMultiLevelHit} (Caffeine L1 over JetCache's in-process mock remote: jetcache-core
 *       ships no Redis client, and a local hit never touches the second level);
 *   <li>{@code caffeinePlusClockHit} and {@code caffeinePlusAdderHit}: raw Caffeine plus one clock
 *       read, or plus one {@code LongAdder} increment, to attribute the L1 hit's overhead;
 *   <li>{@code headroomL2Hit} (remote-only: every get is a Redis GET through the breaker) vs {@code
 *       lettuceGet} (raw sync Lettuce GET);
 *   <li>{@code headroomGetAll100} (remote-only, 100 L2 hits) vs {@code lettuce100Gets} (100
 *       sequential sync GETs) and {@code lettuceMget100} (one raw MGET).
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TieredCacheBenchmark {
  private static final String KEY = "user:42";
  private static final String VALUE = "{\"id\":42,\"name\":\"Ada Lovelace\"}";

  private RedisConnector connector;
  private TieredCache<String, String> tiered;
  private TieredCache<String, String> remoteOnly;
  private Cache<String, String> caffeine;
  private Cache<String, String> caffeineVariable;
  private RedisClient client;
  private StatefulRedisConnection<String, String> connection;
  private RedisCommands<String, String> lettuce;
  private RedissonClient redisson;
  private RLocalCachedMap<String, String> redissonMap;
  private com.alicp.jetcache.Cache<String, String> jetcache;
  private final java.util.concurrent.atomic.LongAdder hits =
      new java.util.concurrent.atomic.LongAdder();
  private List<String> keys100;
  private String[] redisKeys100;

  @Setup
  public void setUp() {
    String url = System.getenv().getOrDefault("HEADROOM_BENCH_REDIS_URL", "redis://127.0.0.1:6379");
    connector = RedisConnector.create(RedisSettings.of(url));
    for (int i = 0; i < 100 && !connector.isConnected(); i++) {
      LockSupport.parkNanos(100_000_000L);
    }
    tiered =
        TieredCache.<String, String>builder("bench")
            .local(10_000, Duration.ofMinutes(5))
            .remote(connector, Duration.ofMinutes(30))
            .codec(CacheCodec.string())
            .keyCodec(KeyCodec.strings())
            .loader(k -> VALUE)
            .build();
    tiered.put(KEY, VALUE);
    remoteOnly =
        TieredCache.<String, String>builder("bench-l2")
            .remote(connector, Duration.ofMinutes(30))
            .codec(CacheCodec.string())
            .keyCodec(KeyCodec.strings())
            .loader(k -> VALUE)
            .build();
    remoteOnly.put(KEY, VALUE);
    keys100 = new ArrayList<>();
    redisKeys100 = new String[100];
    for (int i = 0; i < 100; i++) {
      String k = "user:" + i;
      keys100.add(k);
      remoteOnly.put(k, VALUE);
      redisKeys100[i] = "raw:" + k;
    }
    caffeine =
        Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(5)).build();
    caffeine.put(KEY, VALUE);
    caffeineVariable =
        Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfter(
                com.github.benmanes.caffeine.cache.Expiry.<String, String>writing(
                    (k, v) -> Duration.ofMinutes(5)))
            .build();
    caffeineVariable.put(KEY, VALUE);

    client = RedisClient.create(url);
    connection = client.connect();
    lettuce = connection.sync();
    lettuce.set("raw:" + KEY, VALUE);
    for (String k : redisKeys100) {
      lettuce.set(k, VALUE);
    }

    Config config = new Config();
    config.useSingleServer().setAddress(url);
    redisson = Redisson.create(config);
    redissonMap =
        redisson.getLocalCachedMap(
            LocalCachedMapOptions.<String, String>name("bench-redisson")
                .codec(StringCodec.INSTANCE)
                .cacheSize(10_000)
                .timeToLive(Duration.ofMinutes(5)));
    redissonMap.fastPut(KEY, VALUE);
    redissonMap.get(KEY);

    com.alicp.jetcache.Cache<String, String> jl1 =
        com.alicp.jetcache.embedded.CaffeineCacheBuilder.createCaffeineCacheBuilder()
            .limit(10_000)
            .expireAfterWrite(5, TimeUnit.MINUTES)
            .buildCache();
    com.alicp.jetcache.Cache<String, String> jl2 =
        com.alicp.jetcache.external.MockRemoteCacheBuilder.createMockRemoteCacheBuilder()
            .limit(10_000)
            .expireAfterWrite(30, TimeUnit.MINUTES)
            .buildCache();
    jetcache =
        com.alicp.jetcache.MultiLevelCacheBuilder.createMultiLevelCacheBuilder()
            .addCache(jl1, jl2)
            .expireAfterWrite(5, TimeUnit.MINUTES)
            .buildCache();
    jetcache.put(KEY, VALUE);
    check(tiered.get(KEY));
    check(caffeine.getIfPresent(KEY));
    check(remoteOnly.get(KEY));
    check(lettuce.get("raw:" + KEY));
    check(redissonMap.get(KEY));
    check(jetcache.get(KEY));
    if (remoteOnly.getAll(keys100).size() != 100) {
      throw new IllegalStateException("getAll did not find 100 values");
    }
  }

  private static void check(String v) {
    if (!VALUE.equals(v)) {
      throw new IllegalStateException("unexpected value " + v);
    }
  }

  @TearDown
  public void tearDown() {
    tiered.close();
    remoteOnly.close();
    connection.close();
    client.shutdown();
    redisson.shutdown();
    jetcache.close();
    connector.close();
  }

  @Benchmark
  public String headroomL1Hit() {
    return tiered.get(KEY);
  }

  @Benchmark
  public String caffeineHit() {
    return caffeine.getIfPresent(KEY);
  }

  /**
   * Attribution: raw Caffeine plus one more clock read (what an L1 hit cost before the jittered
   * expiry check reused Caffeine's reading).
   */
  @Benchmark
  public long caffeinePlusClockHit(Blackhole bh) {
    bh.consume(caffeine.getIfPresent(KEY));
    return io.headroom.core.Ticker.system().read();
  }

  /** Attribution: raw Caffeine plus one uncontended {@code LongAdder} increment (the hit count). */
  @Benchmark
  public String caffeinePlusAdderHit() {
    hits.increment();
    return caffeine.getIfPresent(KEY);
  }

  /** Raw Caffeine with per-entry (variable) expiry, which TieredCache needs for TTL jitter. */
  @Benchmark
  public String caffeineVariableExpiryHit() {
    return caffeineVariable.getIfPresent(KEY);
  }

  @Benchmark
  public String redissonLocalCachedMapHit() {
    return redissonMap.get(KEY);
  }

  @Benchmark
  public String jetcacheMultiLevelHit() {
    return jetcache.get(KEY);
  }

  @Benchmark
  public String headroomL2Hit() {
    return remoteOnly.get(KEY);
  }

  @Benchmark
  public String lettuceGet() {
    return lettuce.get("raw:" + KEY);
  }

  @Benchmark
  public Map<String, String> headroomGetAll100() {
    return remoteOnly.getAll(keys100);
  }

  @Benchmark
  public void lettuce100Gets(Blackhole bh) {
    for (String k : redisKeys100) {
      bh.consume(lettuce.get(k));
    }
  }

  @Benchmark
  public List<KeyValue<String, String>> lettuceMget100() {
    return lettuce.mget(redisKeys100);
  }
}
