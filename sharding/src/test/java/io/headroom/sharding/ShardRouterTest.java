package io.headroom.sharding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ShardRouterTest {

  @Test
  void everyStrategyStaysInRange() {
    List<ShardRouter<Long>> routers =
        List.of(
            ShardRouter.jump(7, KeyHasher.longs()),
            ShardRouter.hashMod(7, KeyHasher.longs()),
            ShardRouter.ring(7, 50, KeyHasher.longs()));
    for (ShardRouter<Long> r : routers) {
      for (long k = -5000; k < 5000; k++) {
        assertThat(r.bucket(k)).as("%s key %s", r, k).isBetween(0, 6);
      }
      assertThat(r.bucketCount()).isEqualTo(7);
    }
  }

  @Test
  void oneBucketAlwaysRoutesToZero() {
    assertThat(ShardRouter.jump(1, KeyHasher.longs()).bucket(123L)).isZero();
    assertThat(ShardRouter.ring(1, 3, KeyHasher.longs()).bucket(Long.MIN_VALUE)).isZero();
    assertThat(ShardRouter.hashMod(1, KeyHasher.longs()).bucket(-1L)).isZero();
  }

  @Test
  void routingIsStableAcrossInstances() {
    ShardRouter<String> a = ShardRouter.ring(32, 100, KeyHasher.strings());
    ShardRouter<String> b = ShardRouter.ring(32, 100, KeyHasher.strings());
    for (int i = 0; i < 1000; i++) {
      assertThat(a.bucket("k" + i)).isEqualTo(b.bucket("k" + i));
    }
  }

  @Test
  void otherHashersSpreadKeys() {
    ShardRouter<UUID> byUuid = ShardRouter.jump(4, KeyHasher.uuids());
    ShardRouter<Integer> byInt = ShardRouter.jump(4, KeyHasher.of(Integer::longValue));
    int[] u = new int[4];
    int[] n = new int[4];
    for (int i = 0; i < 4000; i++) {
      u[byUuid.bucket(new UUID(0, i))]++;
      n[byInt.bucket(i)]++;
    }
    // Binomial(4000, 1/4): mean 1000, std-dev 27; 5 std-devs either side.
    assertThat(Arrays.stream(u).boxed().toList())
        .allSatisfy(c -> assertThat(c).isBetween(863, 1137));
    assertThat(Arrays.stream(n).boxed().toList())
        .allSatisfy(c -> assertThat(c).isBetween(863, 1137));
  }

  @Test
  void prefixRangesSplitShortCodesAtoZ() {
    ShardRouter<String> r = ShardRouter.prefixRanges("A-F", "G-M", "N-S", "T-Z");
    assertThat(r.bucketCount()).isEqualTo(4);
    assertThat(r.strategy()).isEqualTo("range");
    assertThat(r.bucket("apple")).isZero();
    assertThat(r.bucket("Fzzz")).isZero();
    assertThat(r.bucket("G")).isEqualTo(1);
    assertThat(r.bucket("guava")).isEqualTo(1);
    assertThat(r.bucket("mzz")).isEqualTo(1);
    assertThat(r.bucket("N1")).isEqualTo(2);
    assertThat(r.bucket("sz")).isEqualTo(2);
    assertThat(r.bucket("t")).isEqualTo(3);
    assertThat(r.bucket("Zebra")).isEqualTo(3);
    assertThat(r.bucket("0abc")).as("below the first range").isZero();
    assertThat(r.bucket("~")).as("above the last range").isEqualTo(3);
    assertThat(r.bucketLabel(1)).isEqualTo("G-M");
  }

  @Test
  void explicitRangesAreHalfOpen() {
    ShardRouter<String> r = ShardRouter.ranges(List.of("g", "n"));
    assertThat(r.bucket("a")).isZero();
    assertThat(r.bucket("g")).isEqualTo(1);
    assertThat(r.bucket("mzzz")).isEqualTo(1);
    assertThat(r.bucket("n")).isEqualTo(2);
    assertThat(r.bucketLabel(0)).isEqualTo("[..g)");
    assertThat(r.bucketLabel(2)).isEqualTo("[n..)");
  }

  @Test
  void rejectsBadConfiguration() {
    assertThatThrownBy(() -> ShardRouter.jump(0, KeyHasher.longs()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("buckets must be > 0: 0");
    assertThatThrownBy(() -> ShardRouter.ring(4, 0, KeyHasher.longs()))
        .hasMessage("virtualNodes must be > 0: 0");
    assertThatThrownBy(() -> ShardRouter.prefixRanges("A-F", "H-M"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("contiguous");
    assertThatThrownBy(() -> ShardRouter.prefixRanges("F-A")).hasMessageContaining("start <= end");
    assertThatThrownBy(() -> ShardRouter.prefixRanges("AB"))
        .hasMessageContaining("must look like A-F");
    assertThatThrownBy(() -> ShardRouter.ranges(List.of("n", "g")))
        .hasMessageContaining("strictly ascending");
    assertThatThrownBy(() -> ShardRouter.jump(4, KeyHasher.longs()).bucketLabel(4))
        .hasMessage("bucket must be in [0, 3]: 4");
  }
}
