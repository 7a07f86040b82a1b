package io.headroom.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.headroom.redis.RedisConnector;
import io.headroom.redis.RedisSettings;
import io.headroom.testkit.fixtures.RedisFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract on L1 over standalone Redis, plus what needs two nodes or a failing Redis. */
class TieredCacheRedisIT extends TieredCacheContract {
  @RegisterExtension static final RedisFixture redis = RedisFixture.standalone();

  private final Map<String, String> db = new ConcurrentHashMap<>();
  private final AtomicInteger loads = new AtomicInteger();
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private @Nullable RedisConnector raw;

  @BeforeEach
  void start() {
    redis.start();
    redis.flushAll();
  }

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  @Override
  TieredCache.Builder<String, String> withBackend(TieredCache.Builder<String, String> b) {
    // a generous timeout: CI machines share two cores; the outage test uses a short one
    return b.remote(connector(Duration.ofSeconds(5)), REMOTE_TTL)
        .codec(CacheCodec.string())
        .keyCodec(KeyCodec.strings());
  }

  @Override
  Long l2TtlMillis(DefaultTieredCache<String, String> cache, String key) {
    RedisConnector c = raw;
    if (c == null) {
      c = connector(Duration.ofSeconds(5));
      raw = c;
    }
    return c.await(c.pttl(cache.redisKey(key)));
  }

  private RedisConnector connector(Duration commandTimeout) {
    return track(
        RedisConnector.create(
            RedisSettings.builder().uri(redis.uri()).commandTimeout(commandTimeout).build()));
  }

  private TieredCache.Builder<String, String> node(String name) {
    return TieredCache.<String, String>builder(name)
        .local(1_000, Duration.ofMinutes(5))
        .remote(connector(Duration.ofSeconds(5)), Duration.ofMinutes(10))
        .codec(CacheCodec.string())
        .keyCodec(KeyCodec.strings())
        .loader(
            k -> {
              loads.incrementAndGet();
              return db.get(k);
            });
  }

  private DefaultTieredCache<String, String> built(TieredCache.Builder<String, String> b) {
    return build(b);
  }

  @Test
  void aSecondNodeReadsWhatTheFirstLoadedFromL2() {
    db.put("u1", "Ada");
    DefaultTieredCache<String, String> a = built(node("users"));
    DefaultTieredCache<String, String> b = built(node("users"));
    assertThat(a.get("u1")).isEqualTo("Ada");
    assertThat(b.get("u1")).isEqualTo("Ada");
    assertThat(loads).hasValue(1);
    assertThat(b.stats().l2Hits()).isEqualTo(1);
    assertThat(redis.get("headroom:cache:users:g0:u1")).endsWith("Ada");
    assertThat(redis.pttl("headroom:cache:users:g0:u1")).isBetween(1L, 660_000L);
  }

  @Test
  void anUpdateOnOneNodeReachesTheOtherNodesL1() {
    db.put("u1", "v1");
    DefaultTieredCache<String, String> a = built(node("users"));
    DefaultTieredCache<String, String> b = built(node("users"));
    assertThat(a.get("u1")).isEqualTo("v1");
    assertThat(b.get("u1")).isEqualTo("v1");
    assertThat(b.l1Contains("u1")).isTrue();
    db.put("u1", "v2");
    a.put("u1", "v2");
    await().atMost(Duration.ofSeconds(10)).until(() -> b.stats().invalidationsReceived() >= 1);
    for (int i = 0; i < 100; i++) {
      assertThat(b.get("u1")).isEqualTo("v2"); // never the old value once the message is in
    }
    a.invalidate("u1");
    await().atMost(Duration.ofSeconds(10)).until(() -> b.stats().invalidationsReceived() >= 2);
    assertThat(b.l1Contains("u1")).isFalse();
    assertThat(redis.get("headroom:cache:users:g0:u1")).isNull();
    assertThat(a.stats().invalidationsReceived()).isZero(); // its own messages are ignored
  }

  @Test
  void invalidateAllBumpsTheGenerationOnEveryNodeWithoutScanning() {
    db.put("u1", "v1");
    DefaultTieredCache<String, String> a = built(node("users"));
    DefaultTieredCache<String, String> b = built(node("users"));
    assertThat(b.get("u1")).isEqualTo("v1");
    db.put("u1", "v2");
    a.invalidateAll();
    assertThat(a.currentGeneration()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> b.currentGeneration() == 1);
    assertThat(b.l1Contains("u1")).isFalse();
    assertThat(b.get("u1")).isEqualTo("v2");
    assertThat(redis.get("headroom:cache:users:g1:u1")).endsWith("v2");
    assertThat(redis.get("headroom:cache:users:gen")).isEqualTo("1");
    // a node started later reads the generation from Redis
    DefaultTieredCache<String, String> c = built(node("users"));
    assertThat(c.currentGeneration()).isEqualTo(1);
    assertThat(c.get("u1")).isEqualTo("v2");
  }

  @Test
  void aFillFromL2ThatRacesAnInvalidationIsDropped() throws Exception {
    CountDownLatch l2Read = new CountDownLatch(1);
    CountDownLatch proceed = new CountDownLatch(1);
    AtomicBoolean armed = new AtomicBoolean(false);
    DefaultTieredCache<String, String> a = built(node("users"));
    DefaultTieredCache<String, String> b =
        built(
            node("users")
                .hooks(
                    new Hooks() {
                      @Override
                      public void afterL2Read(Object key) {
                        if (armed.getAndSet(false)) {
                          l2Read.countDown();
                          try {
                            proceed.await(10, TimeUnit.SECONDS);
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                        }
                      }
                    }));
    a.put("u1", "old");
    await().until(() -> b.stats().invalidationsReceived() >= 1);
    armed.set(true);
    Future<@Nullable String> fill = pool.submit(() -> b.get("u1")); // L1 miss, reads "old"
    assertThat(l2Read.await(10, TimeUnit.SECONDS)).isTrue();
    a.put("u1", "new"); // lands while B's fill is in flight
    await().until(() -> b.stats().invalidationsReceived() >= 2);
    proceed.countDown();
    assertThat(fill.get(10, TimeUnit.SECONDS)).isEqualTo("old"); // read before the write
    assertThat(b.l1Contains("u1")).isFalse(); // ...but not kept in L1
    assertThat(b.get("u1")).isEqualTo("new");
    assertThat(loads).hasValue(0);
  }

  @Test
  void aLoadThatRacesAWriteIsNotStoredInEitherTier() throws Exception {
    db.put("u1", "old");
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch proceed = new CountDownLatch(1);
    DefaultTieredCache<String, String> a = built(node("users"));
    DefaultTieredCache<String, String> b =
        built(
            node("users")
                .loader(
                    k -> {
                      String v = db.get(k); // reads the old row...
                      loading.countDown();
                      proceed.await(10, TimeUnit.SECONDS); // ...and stalls
                      return v;
                    }));
    Future<@Nullable String> fill = pool.submit(() -> b.get("u1"));
    assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
    db.put("u1", "new");
    a.put("u1", "new");
    await().until(() -> b.stats().invalidationsReceived() >= 1);
    proceed.countDown();
    assertThat(fill.get(10, TimeUnit.SECONDS)).isEqualTo("old");
    assertThat(b.l1Contains("u1")).isFalse();
    assertThat(redis.get("headroom:cache:users:g0:u1")).endsWith("new"); // not overwritten
    assertThat(b.get("u1")).isEqualTo("new");
  }

  @Test
  void theDistributedLockLetsOneNodeLoadForBoth() throws Exception {
    db.put("report", "expensive");
    RedisConnector info = connector(Duration.ofSeconds(5));
    CountDownLatch release = new CountDownLatch(1);
    CacheLoader<String, String> slow =
        k -> {
          loads.incrementAndGet();
          release.await(30, TimeUnit.SECONDS);
          return db.get(k);
        };
    // the waiter polls L2 for up to 30 s: longer than this test can take to release the holder
    DefaultTieredCache<String, String> a =
        built(
            node("reports")
                .loader(slow)
                .distributedLoadLock(true)
                .loadLock(Duration.ofSeconds(30), Duration.ofSeconds(30)));
    DefaultTieredCache<String, String> b =
        built(
            node("reports")
                .loader(slow)
                .distributedLoadLock(true)
                .loadLock(Duration.ofSeconds(30), Duration.ofSeconds(30)));
    long setsBefore = RedisInfo.calls(info, "any", "set");
    CyclicBarrier start = new CyclicBarrier(2);
    Future<@Nullable String> fa =
        pool.submit(
            () -> {
              start.await();
              return a.get("report");
            });
    Future<@Nullable String> fb =
        pool.submit(
            () -> {
              start.await();
              return b.get("report");
            });
    // the holder's load is released only once both nodes asked for the lease (SET NX): the other
    // one is then polling L2, and a second load would show
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> RedisInfo.calls(info, "any", "set") - setsBefore >= 2);
    assertThat(redis.keys("*lock*")).hasSize(1);
    release.countDown();
    assertThat(fa.get(30, TimeUnit.SECONDS)).isEqualTo("expensive");
    assertThat(fb.get(30, TimeUnit.SECONDS)).isEqualTo("expensive");
    assertThat(loads).hasValue(1);
    assertThat(redis.keys("*lock*")).isEmpty(); // released by compare-and-delete
  }

  @Test
  void restartingRedisClearsTheOtherNodesL1() {
    db.put("u1", "v1");
    DefaultTieredCache<String, String> b = built(node("users"));
    assertThat(b.get("u1")).isEqualTo("v1");
    assertThat(b.l1Contains("u1")).isTrue();
    redis.restart();
    await().atMost(Duration.ofSeconds(20)).until(() -> !b.l1Contains("u1"));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> b.subscription() != null && b.subscription().isActive());
    assertThat(b.get("u1")).isEqualTo("v1");
  }

  @Test
  void anOutageIsAMissThatNeverWaitsLongerThanTheCommandTimeout() {
    Duration timeout = Duration.ofSeconds(1);
    for (int i = 0; i < 20; i++) {
      db.put("k" + i, "v" + i);
    }
    DefaultTieredCache<String, String> c =
        built(
            TieredCache.<String, String>builder("outage")
                .remote(connector(timeout), Duration.ofMinutes(10)) // remote-only: every get asks
                .codec(CacheCodec.string())
                .loader(k -> db.get(k)));
    assertThat(c.get("k0")).isEqualTo("v0");
    assertThat(c.get("k0")).isEqualTo("v0");
    assertThat(c.stats().l2Hits()).isEqualTo(1);
    redis.stop();
    long worst = 0;
    for (int round = 0; round < 10; round++) {
      for (int i = 0; i < 20; i++) {
        long t0 = System.nanoTime();
        assertThat(c.get("k" + i)).isEqualTo("v" + i);
        worst = Math.max(worst, System.nanoTime() - t0);
      }
    }
    assertThat(Duration.ofNanos(worst)).isLessThan(timeout);
    assertThat(c.stats().l2Errors()).isPositive();
    redis.start();
    long hitsBefore = c.stats().l2Hits();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              c.get("k1");
              return c.stats().l2Hits() > hitsBefore; // written, then read back from Redis
            });
  }

  @Test
  void getAllReadsL2WithOneMgetAndLoadsTheRestInOneBulkCall() {
    RedisConnector raw = connector(Duration.ofSeconds(2));
    AtomicInteger bulkCalls = new AtomicInteger();
    DefaultTieredCache<String, String> writer = built(node("bulk"));
    for (int i = 0; i < 50; i++) {
      writer.put("k" + i, "v" + i);
    }
    DefaultTieredCache<String, String> reader =
        built(
            node("bulk")
                .negativeTtl(Duration.ofMinutes(1))
                .bulkLoader(
                    keys -> {
                      bulkCalls.incrementAndGet();
                      Map<String, String> out = new HashMap<>();
                      for (String k : keys) {
                        if (k.startsWith("k")) {
                          out.put(k, "loaded-" + k);
                        }
                      }
                      return out;
                    }));
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      keys.add("k" + i);
    }
    keys.add("absent");
    long before = RedisInfo.calls(raw, "any", "mget");
    Map<String, String> got = reader.getAll(keys);
    assertThat(RedisInfo.calls(raw, "any", "mget") - before).isEqualTo(1);
    assertThat(bulkCalls).hasValue(1);
    assertThat(got).hasSize(60);
    assertThat(got.get("k7")).isEqualTo("v7");
    assertThat(got.get("k55")).isEqualTo("loaded-k55");
    assertThat(got).doesNotContainKey("absent");
    assertThat(reader.getAll(keys)).isEqualTo(got); // all from L1 now (absent cached as absent)
    assertThat(bulkCalls).hasValue(1);
  }

  @Test
  void largeValuesAreStoredCompressedAndReadBack() {
    String big = "x".repeat(10_000);
    DefaultTieredCache<String, String> a = built(node("big").compressAbove(1_000));
    DefaultTieredCache<String, String> b = built(node("big").compressAbove(1_000));
    a.put("k", big);
    assertThat(redis.get("headroom:cache:big:g0:k")).hasSizeLessThan(1_000);
    assertThat(b.get("k")).isEqualTo(big);
    assertThat(loads).hasValue(0);
  }

  @Test
  void jsonValuesTravelBetweenNodes() {
    record Url(String code, String target) {}
    TieredCache.Builder<String, Url> builder =
        TieredCache.<String, Url>builder("urls")
            .local(100, Duration.ofMinutes(1))
            .remote(connector(Duration.ofMillis(500)), Duration.ofMinutes(10))
            .codec(CacheCodec.json(Url.class))
            .loader(k -> new Url(k, "https://example.org/" + k));
    TieredCache<String, Url> a = builder.build();
    track(a);
    TieredCache<String, Url> b = builder.build();
    track(b);
    assertThat(a.get("abc")).isEqualTo(new Url("abc", "https://example.org/abc"));
    assertThat(b.get("abc")).isEqualTo(new Url("abc", "https://example.org/abc"));
    assertThat(b.stats().l2Hits()).isEqualTo(1);
    assertThat(redis.get("headroom:cache:urls:g0:abc")).contains("\"target\"");
  }
}
