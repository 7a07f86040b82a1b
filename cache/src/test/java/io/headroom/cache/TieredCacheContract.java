package io.headroom.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.testkit.FakeTicker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every tier layout must have (CONVENTIONS rule 23), run on L1 only ({@link
 * TieredCacheLocalTest}), L1 over standalone Redis ({@link TieredCacheRedisIT}) and L1 over a
 * six-node Redis Cluster ({@link TieredCacheClusterIT}), so that single-flight, negative caching,
 * jitter and early refresh are tested with L2 in the path too. L1 and the breaker run on a {@link
 * FakeTicker}; Redis keeps its own clock, so L2 expiries are checked with {@code PTTL}.
 */
abstract class TieredCacheContract {
  /** The L2 TTL the backends configure. */
  static final Duration REMOTE_TTL = Duration.ofMinutes(10);

  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final long WAIT_SECONDS = 30;

  final FakeTicker time = new FakeTicker();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final ExecutorService pool = Executors.newCachedThreadPool();

  /**
   * Adds this backend's L2 ({@link #REMOTE_TTL}, string codec and keys) to {@code b}, or nothing.
   */
  abstract TieredCache.Builder<String, String> withBackend(TieredCache.Builder<String, String> b);

  /**
   * The remaining TTL in milliseconds of {@code key}'s L2 entry ({@code -2} when there is none), or
   * {@code null} when this backend has no L2.
   */
  abstract @Nullable Long l2TtlMillis(DefaultTieredCache<String, String> cache, String key);

  /** Closes what the subclass opened for a test (connectors), after the caches. */
  <T extends AutoCloseable> T track(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  @AfterEach
  void closeAll() throws Exception {
    pool.shutdownNow();
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  static String unique(String base) {
    return base + "-" + NAMES.incrementAndGet();
  }

  /** A cache named {@code name} on this backend: L1 of 10 000 entries for 100 s, fake time. */
  TieredCache.Builder<String, String> builder(String name) {
    return withBackend(
        TieredCache.<String, String>builder(name)
            .local(10_000, Duration.ofSeconds(100))
            .ticker(time)
            .executor(Runnable::run));
  }

  DefaultTieredCache<String, String> build(TieredCache.Builder<String, String> b) {
    TieredCache<String, String> c = b.build();
    closeables.add(c);
    return (DefaultTieredCache<String, String>) c;
  }

  /** An executor that runs tasks only when the test says so. */
  static final class ManualExecutor implements Executor {
    private final Queue<Runnable> tasks = new ArrayDeque<>();

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

  @Test
  void readsThroughTheLoaderOnceAndThenServesFromL1() {
    AtomicInteger loads = new AtomicInteger();
    DefaultTieredCache<String, String> cache =
        build(builder(unique("read")).loader(k -> "v-" + k + "-" + loads.incrementAndGet()));
    assertThat(cache.get("a")).isEqualTo("v-a-1");
    assertThat(cache.get("a")).isEqualTo("v-a-1");
    assertThat(cache.getIfPresent("a")).isEqualTo("v-a-1");
    assertThat(cache.getIfPresent("b")).isNull();
    assertThat(loads).hasValue(1);
    CacheStats s = cache.stats();
    assertThat(s.l1Hits()).isEqualTo(2);
    assertThat(s.l1Misses()).isEqualTo(2);
    assertThat(s.hits()).isEqualTo(2);
    assertThat(s.misses()).isEqualTo(2); // the load of "a", and "b" found nowhere
    assertThat(s.loadSuccesses()).isEqualTo(1);
    assertThat(s.l1Size()).isEqualTo(1);
  }

  @Test
  void putInvalidateAndInvalidateAllReachEveryTier() {
    AtomicInteger loads = new AtomicInteger();
    DefaultTieredCache<String, String> cache =
        build(builder(unique("write")).loader(k -> "L" + loads.incrementAndGet()));
    cache.put("a", "x");
    assertThat(cache.get("a")).isEqualTo("x");
    cache.invalidate("a");
    assertThat(cache.getIfPresent("a")).isNull(); // gone from L2 too
    assertThat(cache.get("a")).isEqualTo("L1");
    cache.put("b", "y");
    cache.invalidateAll();
    assertThat(cache.getIfPresent("a")).isNull();
    assertThat(cache.getIfPresent("b")).isNull();
    assertThat(cache.stats().puts()).isEqualTo(3);
    assertThat(loads).hasValue(1);
  }

  @Test
  void concurrentMissesOfOneKeyCallTheLoaderOnceWhileEveryoneWaitsForIt() throws Exception {
    int threads = 32;
    AtomicInteger loads = new AtomicInteger();
    // the loader returns only once every other caller has joined its load: a cache without
    // single-flight never gets there, and its loaders fail after the wait
    CountDownLatch othersJoined = new CountDownLatch(threads - 1);
    DefaultTieredCache<String, String> cache =
        build(
            builder(unique("stampede"))
                .hooks(
                    new Hooks() {
                      @Override
                      public void beforeJoin(Object key) {
                        othersJoined.countDown();
                      }
                    })
                .loader(
                    k -> {
                      loads.incrementAndGet();
                      if (!othersJoined.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                        throw new IllegalStateException(
                            othersJoined.getCount() + " callers never joined the load");
                      }
                      return "value";
                    }));
    assertThat(runConcurrently(threads, () -> cache.get("hot")))
        .hasSize(threads)
        .containsOnly("value");
    assertThat(loads).hasValue(1);
    CacheStats s = cache.stats();
    assertThat(s.loads()).isEqualTo(1);
    assertThat(s.misses()).isEqualTo(1);
    assertThat(s.hits()).isEqualTo(threads - 1);
  }

  @Test
  void getAllJoinsALoadInFlightInsteadOfLoadingTheKeyAgain() throws Exception {
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch joined = new CountDownLatch(1);
    List<Set<String>> bulkCalls = new CopyOnWriteArrayList<>();
    DefaultTieredCache<String, String> cache =
        build(
            builder(unique("join"))
                .hooks(
                    new Hooks() {
                      @Override
                      public void beforeJoin(Object key) {
                        joined.countDown();
                      }
                    })
                .loader(
                    k -> {
                      loads.incrementAndGet();
                      loading.countDown();
                      assertThat(joined.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
                      return "v-" + k;
                    })
                .bulkLoader(keys -> bulk(bulkCalls, keys)));
    Future<@Nullable String> get = pool.submit(() -> cache.get("a"));
    assertThat(loading.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(cache.getAll(List.of("a", "b")))
        .containsExactly(Map.entry("a", "v-a"), Map.entry("b", "v-b"));
    assertThat(get.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("v-a");
    assertThat(loads).hasValue(1);
    assertThat(bulkCalls).containsExactly(Set.of("b"));
  }

  @Test
  void aGetJoinsTheKeyAGetAllIsLoading() throws Exception {
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch bulkLoading = new CountDownLatch(1);
    CountDownLatch joined = new CountDownLatch(1);
    List<Set<String>> bulkCalls = new CopyOnWriteArrayList<>();
    DefaultTieredCache<String, String> cache =
        build(
            builder(unique("joinbulk"))
                .hooks(
                    new Hooks() {
                      @Override
                      public void beforeJoin(Object key) {
                        joined.countDown();
                      }
                    })
                .loader(k -> "loader-" + loads.incrementAndGet())
                .bulkLoader(
                    keys -> {
                      bulkLoading.countDown();
                      assertThat(joined.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
                      return bulk(bulkCalls, keys);
                    }));
    Future<Map<String, String>> all = pool.submit(() -> cache.getAll(List.of("a", "b")));
    assertThat(bulkLoading.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(cache.get("a")).isEqualTo("v-a");
    assertThat(all.get(WAIT_SECONDS, TimeUnit.SECONDS))
        .containsExactly(Map.entry("a", "v-a"), Map.entry("b", "v-b"));
    assertThat(loads).hasValue(0);
    assertThat(bulkCalls).containsExactly(Set.of("a", "b"));
  }

  @Test
  void waitersSeeTheLoadersFailureAndNothingIsCached() {
    DefaultTieredCache<String, String> checked =
        build(
            builder(unique("checked"))
                .loader(
                    k -> {
                      throw new IOException("db down");
                    }));
    assertThatThrownBy(() -> checked.get("a"))
        .isInstanceOf(CacheLoadException.class)
        .isInstanceOf(CacheException.class)
        .hasCauseInstanceOf(IOException.class);
    DefaultTieredCache<String, String> unchecked =
        build(
            builder(unique("unchecked"))
                .loader(
                    k -> {
                      throw new IllegalStateException("boom");
                    }));
    assertThatThrownBy(() -> unchecked.get("a")).isInstanceOf(IllegalStateException.class);
    assertThat(unchecked.getIfPresent("a")).isNull();
    assertThat(unchecked.stats().loadFailures()).isEqualTo(1);
    assertThat(l2TtlMillis(unchecked, "a")).isIn(null, -2L);
  }

  @Test
  void getWithoutALoaderIsAStateError() {
    DefaultTieredCache<String, String> cache = build(builder(unique("noloader")));
    assertThatThrownBy(() -> cache.get("a"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no loader");
  }

  @Test
  void jitterKeepsEveryTtlInsideItsBoundsAndSpreadsThem() {
    DefaultTieredCache<String, String> cache = build(builder(unique("jitter")).jitter(0.1));
    int n = 200;
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      cache.put("k" + i, "v");
    }
    if (l2TtlMillis(cache, "k0") != null) {
      long min = Long.MAX_VALUE;
      long max = 0;
      for (int i = 0; i < n; i++) {
        long ttl = Objects.requireNonNull(l2TtlMillis(cache, "k" + i));
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + 1;
        assertThat(ttl)
            .isBetween(REMOTE_TTL.toMillis() * 9 / 10 - elapsed, REMOTE_TTL.toMillis() * 11 / 10);
        min = Math.min(min, ttl);
        max = Math.max(max, ttl);
      }
      assertThat(max - min).isGreaterThan(REMOTE_TTL.toMillis() / 20); // spread, not one value
    }
    time.advance(Duration.ofMillis(89_999));
    assertThat(countInL1(cache, n)).isEqualTo(n); // nobody expires before 0.9 x ttl
    time.advance(Duration.ofMillis(10_001)); // 100 s: the middle of the band
    assertThat(countInL1(cache, n)).isBetween(1, n - 1);
    time.advance(Duration.ofMillis(10_001)); // 110.001 s
    assertThat(countInL1(cache, n)).isZero(); // everybody is gone after 1.1 x ttl
  }

  private static int countInL1(DefaultTieredCache<String, String> cache, int n) {
    int count = 0;
    for (int i = 0; i < n; i++) {
      if (cache.l1Contains("k" + i)) {
        count++;
      }
    }
    return count;
  }

  @Test
  void withoutJitterEveryEntryExpiresExactlyAtItsTtl() {
    DefaultTieredCache<String, String> cache = build(builder(unique("exact")).jitter(0));
    cache.put("a", "v");
    Long ttl = l2TtlMillis(cache, "a");
    if (ttl != null) {
      assertThat(ttl).isBetween(1L, REMOTE_TTL.toMillis());
    }
    time.advance(Duration.ofSeconds(100).minusNanos(1));
    assertThat(cache.l1Contains("a")).isTrue();
    time.advance(1, TimeUnit.NANOSECONDS);
    assertThat(cache.l1Contains("a")).isFalse();
  }

  @Test
  void notFoundIsCachedForTheNegativeTtlInEveryTier() {
    String name = unique("negative");
    AtomicInteger loads = new AtomicInteger();
    TieredCache.Builder<String, String> b =
        builder(name)
            .negativeTtl(Duration.ofMinutes(1))
            .loader(
                k -> {
                  loads.incrementAndGet();
                  return null;
                });
    DefaultTieredCache<String, String> cache = build(b);
    assertThat(cache.get("missing")).isNull();
    assertThat(cache.get("missing")).isNull();
    assertThat(loads).hasValue(1);
    Long ttl = l2TtlMillis(cache, "missing");
    if (ttl != null) {
      assertThat(ttl).isBetween(1L, 66_000L); // the negative TTL, not the value TTL
      assertThat(build(builder(name).loader(k -> "never")).get("missing")).isNull(); // from L2
    }
    time.advance(Duration.ofMillis(53_999)); // under 0.9 x 1 min: still cached
    assertThat(cache.get("missing")).isNull();
    assertThat(loads).hasValue(1);
    time.advance(Duration.ofMillis(12_002)); // past 1.1 x 1 min
    assertThat(cache.l1Contains("missing")).isFalse();
    if (ttl == null) {
      assertThat(cache.get("missing")).isNull();
      assertThat(loads).hasValue(2);
      assertThat(cache.stats().loadsNotFound()).isEqualTo(2);
    }
  }

  @Test
  void withoutANegativeTtlNotFoundIsNotCached() {
    AtomicInteger loads = new AtomicInteger();
    DefaultTieredCache<String, String> cache =
        build(
            builder(unique("nonegative"))
                .loader(
                    k -> {
                      loads.incrementAndGet();
                      return null;
                    }));
    assertThat(cache.get("missing")).isNull();
    assertThat(cache.get("missing")).isNull();
    assertThat(loads).hasValue(2);
    assertThat(l2TtlMillis(cache, "missing")).isIn(null, -2L);
  }

  @Test
  void xfetchRefreshesNearExpiryWhileEveryoneKeepsTheCurrentValue() {
    ManualExecutor executor = new ManualExecutor();
    AtomicInteger loads = new AtomicInteger();
    DefaultTieredCache<String, String> cache =
        build(
            builder(unique("xfetch"))
                .local(100, Duration.ofSeconds(60))
                .jitter(0)
                .earlyRefresh(1.0)
                .executor(executor)
                .loader(
                    k -> {
                      time.advance(Duration.ofSeconds(1)); // the load takes 1 s: delta = 1 s
                      return "v" + loads.incrementAndGet();
                    }));
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
    DefaultTieredCache<String, String> cache =
        build(
            builder(unique("ahead"))
                .local(100, Duration.ofSeconds(60))
                .jitter(0)
                .refreshAhead(Duration.ofSeconds(10))
                .executor(executor)
                .loader(k -> "v" + loads.incrementAndGet()));
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
    assertThat(cache.l1Contains("a")).isTrue();
    assertThat(cache.getIfPresent("a")).isEqualTo("v2");
  }

  @Test
  void getAllCallsTheBulkLoaderOnceForAllMisses() {
    List<Set<String>> calls = new CopyOnWriteArrayList<>();
    DefaultTieredCache<String, String> cache =
        build(builder(unique("bulk")).bulkLoader(keys -> bulk(calls, keys)));
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
    DefaultTieredCache<String, String> cache =
        build(builder(unique("async")).loader(k -> "v-" + k));
    assertThat(cache.getAsync("a").get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("v-a");
    assertThat(cache.getAsync("a").isDone()).isTrue(); // L1 hit: completed at once
    cache.putAsync("b", "x").get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(cache.getAllAsync(List.of("a", "b")).get(WAIT_SECONDS, TimeUnit.SECONDS))
        .containsExactly(Map.entry("a", "v-a"), Map.entry("b", "x"));
    cache.invalidateAsync("a").get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(cache.getIfPresent("a")).isNull();
    cache.invalidateAllAsync().get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(cache.getIfPresent("b")).isNull();
  }

  @Test
  @SuppressWarnings("NullAway") // passes nulls on purpose
  void nullKeysFailNamingTheArgumentBeforeAnyTierIsRead() {
    DefaultTieredCache<String, String> cache =
        build(builder(unique("nulls")).loader(k -> "v").bulkLoader(keys -> Map.of()));
    String none = null;
    assertNpe(() -> cache.get(none), "key");
    assertNpe(() -> cache.getIfPresent(none), "key");
    assertNpe(() -> cache.getAsync(none), "key");
    assertNpe(() -> cache.put(none, "v"), "key");
    assertNpe(() -> cache.put("k", none), "value");
    assertNpe(() -> cache.putAsync(none, "v"), "key");
    assertNpe(() -> cache.invalidate(none), "key");
    assertNpe(() -> cache.invalidateAsync(none), "key");
    assertNpe(() -> cache.getAll(Arrays.asList("a", none)), "keys[1]");
    assertNpe(() -> cache.getAllAsync(Arrays.asList(none, "b")), "keys[0]");
    assertNpe(() -> cache.getAll(null), "keys");
    assertThat(cache.stats()).isEqualTo(CacheStats.empty()); // nothing was read or written
  }

  private static void assertNpe(ThrowingCallable call, String argument) {
    assertThatThrownBy(call)
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining(argument);
  }

  static Map<String, String> bulk(List<Set<String>> calls, Set<String> keys) {
    calls.add(Set.copyOf(keys));
    Map<String, String> out = new HashMap<>();
    for (String k : keys) {
      if (!k.startsWith("none")) {
        out.put(k, "v-" + k);
      }
    }
    return out;
  }

  /** Runs {@code task} on {@code threads} threads released together; their results in order. */
  List<@Nullable String> runConcurrently(int threads, Callable<@Nullable String> task)
      throws Exception {
    CyclicBarrier start = new CyclicBarrier(threads);
    List<Future<@Nullable String>> futures = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      futures.add(
          pool.submit(
              () -> {
                start.await();
                return task.call();
              }));
    }
    List<@Nullable String> out = new ArrayList<>();
    for (Future<@Nullable String> f : futures) {
      out.add(f.get(WAIT_SECONDS * 2, TimeUnit.SECONDS));
    }
    return out;
  }
}
