package io.headroom.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.testkit.Concurrently;
import io.headroom.testkit.FakeTicker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TieredCacheLocalTest {
  private final FakeTicker time = new FakeTicker();

  /** An executor that runs tasks only when the test says so. */
  static final class ManualExecutor implements Executor {
    final Queue<Runnable> tasks = new ArrayDeque<>();

    @Override
    public synchronized void execute(Runnable command) {
      tasks.add(command);
    }

    synchronized int pending() {
      return tasks.size();
    }

    void runAll() {
      while (true) {
        Runnable r;
        synchronized (this) {
          r = tasks.poll();
        }
        if (r == null) {
          return;
        }
        r.run();
      }
    }
  }

  private TieredCache.Builder<String, String> local() {
    return TieredCache.<String, String>builder("t")
        .local(10_000, Duration.ofSeconds(100))
        .ticker(time)
        .executor(Runnable::run);
  }

  @Test
  void readsThroughTheLoaderOnceAndThenServesFromL1() {
    AtomicInteger loads = new AtomicInteger();
    TieredCache<String, String> cache =
        local().loader(k -> "v-" + k + "-" + loads.incrementAndGet()).build();
    assertThat(cache.get("a")).isEqualTo("v-a-1");
    assertThat(cache.get("a")).isEqualTo("v-a-1");
    assertThat(cache.getIfPresent("a")).isEqualTo("v-a-1");
    assertThat(cache.getIfPresent("b")).isNull();
    assertThat(loads).hasValue(1);
    CacheStats s = cache.stats();
    assertThat(s.l1Hits()).isEqualTo(2);
    assertThat(s.l1Misses()).isEqualTo(2);
    assertThat(s.loadSuccesses()).isEqualTo(1);
    assertThat(s.l1Size()).isEqualTo(1);
  }

  @Test
  void putInvalidateAndInvalidateAllWorkLocally() {
    AtomicInteger loads = new AtomicInteger();
    TieredCache<String, String> cache = local().loader(k -> "L" + loads.incrementAndGet()).build();
    cache.put("a", "x");
    assertThat(cache.get("a")).isEqualTo("x");
    cache.invalidate("a");
    assertThat(cache.getIfPresent("a")).isNull();
    assertThat(cache.get("a")).isEqualTo("L1");
    cache.put("b", "y");
    cache.invalidateAll();
    assertThat(cache.getIfPresent("a")).isNull();
    assertThat(cache.getIfPresent("b")).isNull();
    assertThat(cache.stats().puts()).isEqualTo(3);
  }

  @Test
  void sixtyFourConcurrentMissesCallTheLoaderExactlyOnce() throws Exception {
    int threads = 64;
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(threads); // the loader waits for every caller
    TieredCache<String, String> cache =
        TieredCache.<String, String>builder("stampede")
            .local(100, Duration.ofMinutes(1))
            .loader(
                k -> {
                  loads.incrementAndGet();
                  release.await(10, TimeUnit.SECONDS);
                  return "value";
                })
            .build();
    List<String> results =
        Concurrently.collect(
            threads,
            1,
            t -> {
              release.countDown();
              return Objects.requireNonNull(cache.get("hot"));
            });
    assertThat(results).hasSize(threads).containsOnly("value");
    assertThat(loads).hasValue(1);
    assertThat(cache.stats().loads()).isEqualTo(1);
  }

  @Test
  void waitersSeeTheLoadersFailureAndNothingIsCached() {
    TieredCache<String, String> checked =
        local()
            .loader(
                k -> {
                  throw new IOException("db down");
                })
            .build();
    assertThatThrownBy(() -> checked.get("a"))
        .isInstanceOf(CacheLoadException.class)
        .hasCauseInstanceOf(IOException.class);
    TieredCache<String, String> unchecked =
        local()
            .loader(
                k -> {
                  throw new IllegalStateException("boom");
                })
            .build();
    assertThatThrownBy(() -> unchecked.get("a")).isInstanceOf(IllegalStateException.class);
    assertThat(unchecked.getIfPresent("a")).isNull();
    assertThat(unchecked.stats().loadFailures()).isEqualTo(1);
  }

  @Test
  void getWithoutALoaderIsAStateError() {
    TieredCache<String, String> cache = local().build();
    assertThatThrownBy(() -> cache.get("a"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no loader");
  }

  @Test
  void jitterKeepsEveryTtlInsideItsBoundsAndSpreadsThem() {
    TieredCache<String, String> cache = local().jitter(0.1).build();
    DefaultTieredCache<String, String> impl = (DefaultTieredCache<String, String>) cache;
    for (int i = 0; i < 1000; i++) {
      cache.put("k" + i, "v");
    }
    time.advance(Duration.ofMillis(89_999));
    assertThat(countPresent(impl)).isEqualTo(1000); // nobody expires before 0.9 x ttl
    time.advance(Duration.ofMillis(10_001)); // 100 s: the middle of the band
    int middle = countPresent(impl);
    assertThat(middle).isBetween(1, 999);
    time.advance(Duration.ofMillis(10_001)); // 110.001 s
    assertThat(countPresent(impl)).isZero(); // everybody is gone after 1.1 x ttl
  }

  private static int countPresent(DefaultTieredCache<String, String> cache) {
    int n = 0;
    for (int i = 0; i < 1000; i++) {
      if (cache.getIfPresent("k" + i) != null) {
        n++;
      }
    }
    return n;
  }

  @Test
  void withoutJitterEveryEntryExpiresExactlyAtItsTtl() {
    TieredCache<String, String> cache = local().jitter(0).build();
    cache.put("a", "v");
    time.advance(Duration.ofSeconds(100).minusNanos(1));
    assertThat(cache.getIfPresent("a")).isEqualTo("v");
    time.advance(1, TimeUnit.NANOSECONDS);
    assertThat(cache.getIfPresent("a")).isNull();
  }

  @Test
  void notFoundIsCachedForTheNegativeTtlOnly() {
    AtomicInteger loads = new AtomicInteger();
    TieredCache<String, String> cache =
        local()
            .negativeTtl(Duration.ofSeconds(5))
            .loader(
                k -> {
                  loads.incrementAndGet();
                  return null;
                })
            .build();
    assertThat(cache.get("missing")).isNull();
    assertThat(cache.get("missing")).isNull();
    assertThat(loads).hasValue(1);
    time.advance(Duration.ofMillis(4_499)); // under 0.9 x 5 s: still cached
    assertThat(cache.get("missing")).isNull();
    assertThat(loads).hasValue(1);
    time.advance(Duration.ofMillis(1_002)); // past 1.1 x 5 s
    assertThat(cache.get("missing")).isNull();
    assertThat(loads).hasValue(2);
    assertThat(cache.stats().loadsNotFound()).isEqualTo(2);
  }

  @Test
  void withoutANegativeTtlNotFoundIsNotCached() {
    AtomicInteger loads = new AtomicInteger();
    TieredCache<String, String> cache =
        local()
            .loader(
                k -> {
                  loads.incrementAndGet();
                  return null;
                })
            .build();
    assertThat(cache.get("missing")).isNull();
    assertThat(cache.get("missing")).isNull();
    assertThat(loads).hasValue(2);
  }

  @Test
  void xfetchRefreshesNearExpiryWhileEveryoneKeepsTheCurrentValue() {
    ManualExecutor executor = new ManualExecutor();
    AtomicInteger loads = new AtomicInteger();
    TieredCache<String, String> cache =
        TieredCache.<String, String>builder("xfetch")
            .local(100, Duration.ofSeconds(60))
            .jitter(0)
            .earlyRefresh(1.0)
            .ticker(time)
            .executor(executor)
            .loader(
                k -> {
                  time.advance(Duration.ofSeconds(1)); // the load takes 1 s: delta = 1 s
                  return "v" + loads.incrementAndGet();
                })
            .build();
    assertThat(cache.get("a")).isEqualTo("v1"); // loaded at t=1 s, expires at t=61 s
    // far from expiry a refresh needs -ln(r) >= 58: probability e^-58 per read
    for (int i = 0; i < 1000; i++) {
      assertThat(cache.get("a")).isEqualTo("v1");
    }
    assertThat(executor.pending()).isZero();
    // 10 ms before expiry a read refreshes with probability e^-0.01 = 0.99
    time.advance(Duration.ofMillis(59_990));
    for (int i = 0; i < 100; i++) {
      assertThat(cache.get("a")).isEqualTo("v1"); // readers keep the current value
    }
    assertThat(executor.pending()).isEqualTo(1); // one refresh, however many readers asked
    executor.runAll();
    assertThat(loads).hasValue(2);
    assertThat(cache.get("a")).isEqualTo("v2");
  }

  @Test
  void refreshAheadReloadsOnceInsideTheWindow() {
    ManualExecutor executor = new ManualExecutor();
    AtomicInteger loads = new AtomicInteger();
    TieredCache<String, String> cache =
        TieredCache.<String, String>builder("ahead")
            .local(100, Duration.ofSeconds(60))
            .jitter(0)
            .refreshAhead(Duration.ofSeconds(10))
            .ticker(time)
            .executor(executor)
            .loader(k -> "v" + loads.incrementAndGet())
            .build();
    assertThat(cache.get("a")).isEqualTo("v1");
    time.advance(Duration.ofSeconds(49));
    assertThat(cache.get("a")).isEqualTo("v1");
    assertThat(executor.pending()).isZero();
    time.advance(Duration.ofSeconds(2)); // 51 s: inside the 10 s window
    for (int i = 0; i < 10; i++) {
      assertThat(cache.get("a")).isEqualTo("v1");
    }
    assertThat(executor.pending()).isEqualTo(1);
    executor.runAll();
    assertThat(cache.get("a")).isEqualTo("v2");
    time.advance(Duration.ofSeconds(55)); // the refreshed entry lives 60 s from t=51 s
    assertThat(cache.getIfPresent("a")).isEqualTo("v2");
  }

  @Test
  void getAllCallsTheBulkLoaderOnceForAllMisses() {
    List<Set<String>> calls = new CopyOnWriteArrayList<>();
    TieredCache<String, String> cache =
        local()
            .bulkLoader(
                keys -> {
                  calls.add(Set.copyOf(keys));
                  Map<String, String> out = new HashMap<>();
                  for (String k : keys) {
                    if (!k.startsWith("none")) {
                      out.put(k, "v-" + k);
                    }
                  }
                  return out;
                })
            .build();
    cache.put("a", "cached");
    Map<String, String> got = cache.getAll(List.of("a", "b", "c", "none1"));
    assertThat(got)
        .containsExactly(Map.entry("a", "cached"), Map.entry("b", "v-b"), Map.entry("c", "v-c"));
    assertThat(calls).containsExactly(Set.of("b", "c", "none1"));
    assertThat(cache.getAll(List.of("b", "c"))).hasSize(2);
    assertThat(calls).hasSize(1);
  }

  @Test
  void asyncVariantsCompleteWithTheSameAnswers() throws Exception {
    TieredCache<String, String> cache = local().loader(k -> "v-" + k).build();
    assertThat(cache.getAsync("a").get(5, TimeUnit.SECONDS)).isEqualTo("v-a");
    assertThat(cache.getAsync("a").isDone()).isTrue(); // L1 hit: completed at once
    cache.putAsync("b", "x").get(5, TimeUnit.SECONDS);
    assertThat(cache.getAllAsync(List.of("a", "b")).get(5, TimeUnit.SECONDS))
        .containsExactly(Map.entry("a", "v-a"), Map.entry("b", "x"));
    cache.invalidateAsync("a").get(5, TimeUnit.SECONDS);
    assertThat(cache.getIfPresent("a")).isNull();
    cache.invalidateAllAsync().get(5, TimeUnit.SECONDS);
    assertThat(cache.getIfPresent("b")).isNull();
  }

  @Test
  void metersFollowMicrometersCacheConventions() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    TieredCache<String, String> cache =
        local().meterRegistry(registry).loader(k -> k.equals("x") ? null : "v").build();
    cache.get("a");
    cache.get("a");
    cache.get("x");
    assertThat(
            registry
                .get("cache.gets")
                .tags("cache", "t", "tier", "l1", "result", "hit")
                .functionCounter()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("cache.gets")
                .tags("cache", "t", "tier", "l1", "result", "miss")
                .functionCounter()
                .count())
        .isEqualTo(2);
    assertThat(
            registry
                .get("cache.loads")
                .tags("cache", "t", "result", "success")
                .functionTimer()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("cache.loads")
                .tags("cache", "t", "result", "not_found")
                .functionTimer()
                .count())
        .isEqualTo(1);
    assertThat(registry.get("cache.puts").functionCounter().count()).isEqualTo(1);
    assertThat(registry.get("cache.evictions").functionCounter().count()).isZero();
    assertThat(registry.get("cache.l2.errors").functionCounters()).hasSize(2);
    assertThat(registry.get("cache.invalidations.received").functionCounter().count()).isZero();
    assertThat(registry.get("cache.size").gauge().value()).isEqualTo(1);
  }

  @Test
  void sizeEvictionsAreCounted() {
    TieredCache<String, String> cache =
        TieredCache.<String, String>builder("small")
            .local(10, Duration.ofMinutes(1))
            .executor(Runnable::run)
            .build();
    for (int i = 0; i < 100; i++) {
      cache.put("k" + i, "v");
    }
    ((DefaultTieredCache<String, String>) cache).cleanUp();
    assertThat(cache.stats().evictions()).isEqualTo(90);
  }

  @Test
  void builderRejectsBadValuesAndIncompleteConfigurations() {
    assertThatThrownBy(() -> TieredCache.builder(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TieredCache.builder("a{b}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("braces");
    assertThatThrownBy(() -> TieredCache.builder("a").local(0, Duration.ofSeconds(1)))
        .hasMessageContaining("maxSize must be > 0: 0");
    assertThatThrownBy(() -> TieredCache.builder("a").jitter(0.9))
        .hasMessageContaining("jitter must be in [0.0, 0.5]: 0.9");
    assertThatThrownBy(() -> TieredCache.builder("a").negativeTtl(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TieredCache.builder("a").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("local(maxSize, ttl), remote(connector, ttl)");
    assertThatThrownBy(
            () ->
                TieredCache.builder("a")
                    .local(1, Duration.ofSeconds(1))
                    .distributedLoadLock(true)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("distributedLoadLock");
    assertThatThrownBy(
            () -> TieredCache.builder("a").local(1, Duration.ofSeconds(1)).earlyRefresh(1).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("early refresh");
  }
}
