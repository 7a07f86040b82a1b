package io.headroom.sharding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Balance and movement over 1M keys and 16 shards, with bounds that follow from the maths. The keys
 * are a fixed pseudo-random sequence, so the figures are deterministic (they are quoted in
 * README.md).
 */
class RoutingBalanceTest {
  static final int KEYS = 1_000_000;
  static final int SHARDS = 16;
  static long[] keys;

  @BeforeAll
  static void keys() {
    SplittableRandom random = new SplittableRandom(42);
    keys = new long[KEYS];
    for (int i = 0; i < KEYS; i++) {
      // Half sequential ids (the case raw numeric keys get wrong), half random longs.
      keys[i] = i % 2 == 0 ? i : random.nextLong();
    }
  }

  /** Coefficient of variation (std-dev / mean) of the per-bucket load. */
  static double cv(ShardRouter<Long> router) {
    long[] load = new long[router.bucketCount()];
    for (long k : keys) {
      load[router.bucket(k)]++;
    }
    double mean = (double) KEYS / load.length;
    double var = 0;
    for (long l : load) {
      var += (l - mean) * (l - mean);
    }
    double cv = Math.sqrt(var / load.length) / mean;
    report("balance %-28s cv=%.4f%%", router, cv * 100);
    return cv;
  }

  static double moved(ShardRouter<Long> before, ShardRouter<Long> after, boolean onlyToNewest) {
    int newest = after.bucketCount() - 1;
    long moved = 0;
    for (long k : keys) {
      int a = before.bucket(k);
      int b = after.bucket(k);
      if (a != b) {
        moved++;
        if (onlyToNewest) {
          assertThat(b)
              .as("key %s moved %s -> %s, not to the new bucket", k, a, b)
              .isEqualTo(newest);
        }
      }
    }
    double share = (double) moved / KEYS;
    report("moved   %-28s %.4f%%", after, share * 100);
    return share;
  }

  static void report(String format, Object... args) {
    // Kept for README figures: visible with -Dsharding.report=true.
    if (Boolean.getBoolean("sharding.report")) {
      LoggerFactory.getLogger(RoutingBalanceTest.class)
          .info(String.format(Locale.ROOT, format, args));
    }
  }

  @Test
  void jumpIsBalancedLikeAMultinomial() {
    // Expected cv of a uniform multinomial: sqrt((1 - 1/16) / (KEYS / 16)) = 0.39%.
    assertThat(cv(ShardRouter.jump(SHARDS, KeyHasher.longs()))).isLessThan(0.01);
  }

  @Test
  void ringSpreadShrinksWithVirtualNodes() {
    // With v points per bucket an arc share has cv ~ 1/sqrt(v); allow twice that.
    double previous = Double.MAX_VALUE;
    for (int v : new int[] {10, 100, 1000}) {
      double cv = cv(ShardRouter.ring(SHARDS, v, KeyHasher.longs()));
      assertThat(cv).as("vnodes=%s", v).isLessThan(2 / Math.sqrt(v));
      assertThat(cv).as("vnodes=%s", v).isLessThan(previous);
      previous = cv;
    }
  }

  @Test
  void hashModIsBalancedButMovesAlmostEverything() {
    assertThat(cv(ShardRouter.hashMod(SHARDS, KeyHasher.longs()))).isLessThan(0.01);
    double moved =
        moved(
            ShardRouter.hashMod(SHARDS, KeyHasher.longs()),
            ShardRouter.hashMod(SHARDS + 1, KeyHasher.longs()),
            false);
    // A key stays iff h mod 16 == h mod 17, i.e. h mod 272 < 16: 1/17 stay, 16/17 move.
    assertThat(moved).isCloseTo(16.0 / 17, Offset.offset(0.005));
  }

  @Test
  void jumpMovesOneSeventeenthFrom16To17AndOnlyToTheNewBucket() {
    double moved =
        moved(
            ShardRouter.jump(SHARDS, KeyHasher.longs()),
            ShardRouter.jump(SHARDS + 1, KeyHasher.longs()),
            true);
    // Binomial(1M, 1/17): std-dev 0.024 percentage points; 1% of 1/17 is 2.5 std-devs.
    assertThat(moved).isCloseTo(1.0 / 17, Percentage.withPercentage(1));
  }

  @Test
  void ringMovesAboutOneSeventeenthFrom16To17AndOnlyToTheNewBucket() {
    for (int v : new int[] {100, 1000}) {
      double moved =
          moved(
              ShardRouter.ring(SHARDS, v, KeyHasher.longs()),
              ShardRouter.ring(SHARDS + 1, v, KeyHasher.longs()),
              true);
      // The new bucket's share is 1/17 with cv ~ 1/sqrt(v); allow three of those.
      assertThat(moved).as("vnodes=%s", v).isCloseTo(1.0 / 17, within(3.0 / 17 / Math.sqrt(v)));
    }
  }

  @Test
  void rawSequentialIdsStillSpreadThroughTheMixer() {
    ShardRouter<Long> jump = ShardRouter.jump(SHARDS, KeyHasher.longs());
    long[] load = new long[SHARDS];
    for (long id = 0; id < 16_000; id++) {
      load[jump.bucket(id)]++;
    }
    // Binomial(16000, 1/16): mean 1000, std-dev 31; 5 std-devs either side.
    assertThat(Arrays.stream(load).boxed().toList())
        .allSatisfy(l -> assertThat(l).isBetween(845L, 1155L));
  }

  @Test
  void stringKeysBalanceLikeLongs() {
    ShardRouter<String> jump = ShardRouter.jump(SHARDS, KeyHasher.strings());
    long[] load = new long[SHARDS];
    for (int i = 0; i < 160_000; i++) {
      load[jump.bucket("code" + i)]++;
    }
    // Binomial(160000, 1/16): mean 10000, std-dev 97; 5 std-devs either side.
    assertThat(Arrays.stream(load).boxed().toList())
        .allSatisfy(l -> assertThat(l).isBetween(9515L, 10485L));
  }

  static Offset<Double> within(double d) {
    return Offset.offset(d);
  }
}
