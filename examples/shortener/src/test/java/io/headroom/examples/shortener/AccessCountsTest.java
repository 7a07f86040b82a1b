package io.headroom.examples.shortener;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.core.Settings;
import io.headroom.sharding.KeyHasher;
import io.headroom.sharding.ShardRouter;
import io.headroom.sharding.ShardedDataSource;
import io.headroom.testkit.Concurrently;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lock-free count buffer: increments racing flushes lose nothing and count nothing twice. */
class AccessCountsTest {
  private static final int CODES = 40;
  private static final int THREADS = 16;
  private static final int PER_THREAD = 20_000;

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final ShardedDataSource<String> shards = build();
  private final LinkStore store = new LinkStore(shards);

  private static ShardedDataSource<String> build() {
    String db = "jdbc:h2:mem:counts" + System.identityHashCode(new Object());
    Map<String, String> env =
        Map.of(
            "HEADROOM_SHARDING_URLS",
            db
                + "a;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1,"
                + db
                + "b;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1");
    return ShardedDataSource.builder(ShardRouter.jump(1024, KeyHasher.strings()))
        .settings(Settings.from(env::get))
        .meterRegistry(new SimpleMeterRegistry())
        .build();
  }

  @BeforeEach
  void migrate() {
    for (String name : shards.shardNames()) {
      Flyway.configure()
          .dataSource(shards.shard(name).write())
          .locations("classpath:db/migration/shortener")
          .load()
          .migrate();
    }
    for (int i = 0; i < CODES; i++) {
      store.insert(new Link(code(i), i, "https://example.com/" + i, Instant.EPOCH, null));
    }
  }

  @AfterEach
  void close() {
    shards.close();
  }

  private static String code(int i) {
    return "c" + i;
  }

  @Test
  void concurrentIncrementsAndFlushesAreExact() throws Exception {
    AccessCounts counts = new AccessCounts(store, Duration.ofHours(1), meters);
    try {
      AtomicInteger working = new AtomicInteger(THREADS);
      AtomicLong flushes = new AtomicLong();
      Concurrently.run(
          THREADS + 1,
          seed -> {
            if (seed == THREADS) { // the flusher, until every worker is done
              while (working.get() > 0) {
                counts.flush();
                flushes.incrementAndGet();
              }
              return;
            }
            try {
              for (int i = 0; i < PER_THREAD; i++) {
                // code i % CODES is hit PER_THREAD / CODES times per thread; half the traffic
                // goes to code 0, the hot key every thread fights over
                counts.increment(code(i % 2 == 0 ? 0 : (i + seed) % CODES));
              }
            } finally {
              working.decrementAndGet();
            }
          });
      assertThat(flushes.get()).isPositive();
      counts.flush();

      long total = 0;
      for (int i = 0; i < CODES; i++) {
        assertThat(counts.pending(code(i))).isZero();
        total += store.accessCount(code(i)).orElseThrow();
      }
      assertThat(total).isEqualTo((long) THREADS * PER_THREAD);
      assertThat(store.accessCount(code(0)).orElseThrow())
          .isEqualTo((long) THREADS * PER_THREAD / 2 + expectedOddHitsOfCodeZero());
      assertThat(meters.counter("shortener.access.counts.flushed").count())
          .isEqualTo((double) THREADS * PER_THREAD);
    } finally {
      counts.close();
    }
  }

  /** Odd iterations hit code (i + seed) % CODES; those that land on 0 count for code 0 too. */
  private static long expectedOddHitsOfCodeZero() {
    long n = 0;
    for (int seed = 0; seed < THREADS; seed++) {
      for (int i = 1; i < PER_THREAD; i += 2) {
        if ((i + seed) % CODES == 0) {
          n++;
        }
      }
    }
    return n;
  }

  @Test
  void totalIsStoredPlusPending() {
    AccessCounts counts = new AccessCounts(store, Duration.ofHours(1), meters);
    try {
      for (int i = 0; i < 5; i++) {
        counts.increment(code(1));
      }
      assertThat(counts.flush()).isEqualTo(5);
      counts.increment(code(1));
      counts.increment(code(1));
      assertThat(counts.pending(code(1))).isEqualTo(2);
      assertThat(counts.total(code(1), c -> store.accessCount(c).orElse(0L))).isEqualTo(7);
    } finally {
      counts.close();
    }
    assertThat(store.accessCount(code(1))).hasValue(7L);
  }
}
