package io.headroom.sharding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopologyTest {

  @Test
  void uniformIsRoundRobin() {
    Topology t = Topology.uniform(1, 8, List.of("a", "b", "c"));
    assertThat(t.shardOf(0)).isEqualTo("a");
    assertThat(t.shardOf(4)).isEqualTo("b");
    assertThat(t.bucketsOf("c")).containsExactly(2, 5);
    assertThat(t.bucketCounts())
        .containsExactly(Map.entry("a", 3), Map.entry("b", 3), Map.entry("c", 2));
  }

  @Test
  void addingAShardMovesTheMinimumAndRebalances() {
    Topology v1 = Topology.uniform(1, 1024, List.of("s0", "s1", "s2", "s3"));
    Topology v2 = v1.withShardAdded("s4");
    assertThat(v2.version()).isEqualTo(2);
    ReshardPlan plan = ReshardPlan.between(v1, v2);
    // floor(1024 / 5) = 204 buckets move, i.e. ~1/(n+1) of the keys, all to the new shard.
    assertThat(plan.moves()).hasSize(204);
    assertThat(plan.moves()).allSatisfy(m -> assertThat(m.to()).isEqualTo("s4"));
    assertThat(v2.bucketCounts().values()).allSatisfy(c -> assertThat(c).isBetween(204, 205));
    assertThat(plan.movedFraction()).isCloseTo(1.0 / 5, org.assertj.core.data.Offset.offset(0.01));
  }

  @Test
  void goingFromTwoToThreeShardsTakesFromBoth() {
    Topology v1 = Topology.uniform(1, 64, List.of("s0", "s1"));
    Topology v2 = v1.withShardAdded("s2");
    ReshardPlan plan = ReshardPlan.between(v1, v2);
    assertThat(plan.moves()).hasSize(21);
    assertThat(plan.movesByRoute().keySet()).containsExactlyInAnyOrder("s0 -> s2", "s1 -> s2");
    assertThat(plan.movesByRoute().get("s0 -> s2")).hasSizeBetween(10, 11);
  }

  @Test
  void removingAShardSpreadsItsBuckets() {
    Topology v1 = Topology.uniform(3, 30, List.of("a", "b", "c"));
    Topology v2 = v1.withShardRemoved("b");
    assertThat(v2.shards()).containsExactly("a", "c");
    assertThat(v2.bucketCounts()).containsExactly(Map.entry("a", 15), Map.entry("c", 15));
    for (int bucket : v1.bucketsOf("a")) {
      assertThat(v2.shardOf(bucket)).isEqualTo("a");
    }
    assertThat(ReshardPlan.between(v1, v2).moves()).hasSize(10);
  }

  @Test
  void movingOneBucket() {
    Topology v1 = Topology.uniform(1, 4, List.of("a", "b"));
    Topology v2 = v1.withBucketMoved(2, "z");
    assertThat(v2.shardOf(2)).isEqualTo("z");
    assertThat(ReshardPlan.between(v1, v2).moves())
        .containsExactly(new ReshardPlan.Move(2, "a", "z"));
    assertThat(ReshardPlan.between(v1, v1.withVersion(9)).isEmpty()).isTrue();
  }

  @Test
  void explicitOwnersAndEquality() {
    Topology t = Topology.of(5, List.of("x", "y"), List.of("y", "y", "x"));
    assertThat(t.shardIndexOf(0)).isEqualTo(1);
    assertThat(t).isEqualTo(Topology.of(5, List.of("x", "y"), List.of("y", "y", "x")));
    assertThat(t).isNotEqualTo(t.withVersion(6));
    assertThat(t.toString()).isEqualTo("Topology{version=5, buckets=3, shards={x=1, y=2}}");
  }

  @Test
  void rejectsBadInput() {
    assertThatThrownBy(() -> Topology.uniform(1, 4, List.of("a", "a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("shard names must be unique: 'a'");
    assertThatThrownBy(() -> Topology.of(1, List.of("a"), List.of("a", "q")))
        .hasMessageContaining("owners[1] names an unknown shard: 'q'");
    Topology t = Topology.uniform(1, 4, List.of("a"));
    assertThatThrownBy(() -> t.shardOf(4)).hasMessage("bucket must be in [0, 3]: 4");
    assertThatThrownBy(() -> t.withShardAdded("a")).hasMessage("shard already present: 'a'");
    assertThatThrownBy(() -> t.withShardRemoved("a")).hasMessageContaining("last shard");
    assertThatThrownBy(() -> ReshardPlan.between(t, Topology.uniform(2, 5, List.of("a"))))
        .hasMessageContaining("bucket counts differ (4 vs 5)");
    assertThatThrownBy(() -> ReshardPlan.between(t, t)).hasMessageContaining("higher version");
  }
}
