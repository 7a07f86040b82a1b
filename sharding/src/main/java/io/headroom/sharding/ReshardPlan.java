package io.headroom.sharding;

import io.headroom.core.Checks;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exactly which buckets change shard between two topologies, and where they go.
 *
 * <pre>{@code
 * ReshardPlan plan = ReshardPlan.between(current, current.withShardAdded("shard2"));
 * for (ReshardPlan.Move m : plan.moves()) {
 *   log.info("bucket {} {} -> {}", router.bucketLabel(m.bucket()), m.from(), m.to());
 * }
 * }</pre>
 *
 * <p>Plans are per bucket: both topologies must have the same bucket count, which is why the bucket
 * count should stay fixed and shards should trade buckets. Immutable and thread-safe.
 */
public final class ReshardPlan {

  /**
   * One bucket leaving shard {@code from} for shard {@code to}.
   *
   * @param bucket the logical bucket
   * @param from the shard that owns it in the old topology
   * @param to the shard that owns it in the new topology
   */
  public record Move(int bucket, String from, String to) {
    /**
     * Validates the move.
     *
     * @throws IllegalArgumentException if the bucket is negative or from equals to
     */
    public Move {
      Checks.notNegative(bucket, "bucket");
      Checks.notNull(from, "from");
      Checks.notNull(to, "to");
      Checks.argument(!from.equals(to), "a move must change shard: %s -> %s", from, to);
    }
  }

  private final Topology from;
  private final Topology to;
  private final List<Move> moves;

  private ReshardPlan(Topology from, Topology to, List<Move> moves) {
    this.from = from;
    this.to = to;
    this.moves = moves;
  }

  /**
   * Compares two topologies bucket by bucket.
   *
   * @throws IllegalArgumentException if their bucket counts differ, or {@code to} does not have a
   *     higher version than {@code from}
   */
  public static ReshardPlan between(Topology from, Topology to) {
    Checks.notNull(from, "from");
    Checks.notNull(to, "to");
    Checks.argument(
        from.bucketCount() == to.bucketCount(),
        "bucket counts differ (%s vs %s): moves are planned per bucket, so keep the bucket count"
            + " fixed and give buckets to the new shards",
        from.bucketCount(),
        to.bucketCount());
    Checks.argument(
        to.version() > from.version(),
        "the new topology must have a higher version: %s -> %s",
        from.version(),
        to.version());
    List<Move> moves = new ArrayList<>();
    for (int b = 0; b < from.bucketCount(); b++) {
      String a = from.shardOf(b);
      String z = to.shardOf(b);
      if (!a.equals(z)) {
        moves.add(new Move(b, a, z));
      }
    }
    return new ReshardPlan(from, to, Collections.unmodifiableList(moves));
  }

  /** The topology being left. */
  public Topology from() {
    return from;
  }

  /** The topology being moved to. */
  public Topology to() {
    return to;
  }

  /** Every bucket that changes shard, ascending by bucket. */
  public List<Move> moves() {
    return moves;
  }

  /** Whether nothing moves. */
  public boolean isEmpty() {
    return moves.isEmpty();
  }

  /** The share of buckets that move, in {@code [0, 1]}. */
  public double movedFraction() {
    return (double) moves.size() / from.bucketCount();
  }

  /** The moving buckets grouped by {@code "from -> to"}, in first-seen order. */
  public Map<String, List<Integer>> movesByRoute() {
    Map<String, List<Integer>> byRoute = new LinkedHashMap<>();
    for (Move m : moves) {
      byRoute.computeIfAbsent(m.from() + " -> " + m.to(), k -> new ArrayList<>()).add(m.bucket());
    }
    byRoute.replaceAll((k, v) -> Collections.unmodifiableList(v));
    return Collections.unmodifiableMap(byRoute);
  }

  @Override
  public String toString() {
    return "ReshardPlan{v"
        + from.version()
        + " -> v"
        + to.version()
        + ", "
        + moves.size()
        + "/"
        + from.bucketCount()
        + " buckets move: "
        + movesByRoute()
        + "}";
  }
}
