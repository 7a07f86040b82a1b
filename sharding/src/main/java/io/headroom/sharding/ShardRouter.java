package io.headroom.sharding;

import io.headroom.core.Checks;
import java.util.List;

/**
 * Maps a key to one of {@link #bucketCount()} logical buckets; a {@link Topology} then maps each
 * bucket to a physical shard.
 *
 * <p>Keep the bucket count fixed for the life of the data (1024 is a good default; many more than
 * the shards you will ever have) and grow by moving whole buckets between shards with {@link
 * Topology#withShardAdded(String)} and {@link ReshardPlan}. The strategies also work with one
 * bucket per shard, which is how they are compared when the shard count changes:
 *
 * <table>
 *   <caption>Share of keys that move when the bucket count goes from n to n + 1</caption>
 *   <tr><th>strategy</th><th>moves</th><th>moved keys go to</th></tr>
 *   <tr><td>{@link #hashMod}</td><td>n/(n+1) (16 to 17: 94%)</td><td>anywhere</td></tr>
 *   <tr><td>{@link #jump}</td><td>1/(n+1) (16 to 17: 5.9%)</td><td>the new bucket only</td></tr>
 *   <tr><td>{@link #ring}</td><td>about 1/(n+1), spread ~1/sqrt(vnodes)</td>
 *       <td>the new bucket only</td></tr>
 *   <tr><td>{@link #prefixRanges}</td><td>what the new split points say</td><td>-</td></tr>
 * </table>
 *
 * <pre>{@code
 * ShardRouter<String> router = ShardRouter.jump(1024, KeyHasher.strings());
 * Topology topology = Topology.uniform(1, 1024, List.of("shard0", "shard1"));
 * String shard = topology.shardOf(router.bucket("aZ3kQ9"));
 * }</pre>
 *
 * <p>Routers are immutable and thread-safe.
 *
 * @param <K> the key type
 */
public interface ShardRouter<K> {

  /**
   * Returns the bucket of {@code key}, in {@code [0, bucketCount())}.
   *
   * @throws NullPointerException if {@code key} is null
   */
  int bucket(K key);

  /** The number of logical buckets. */
  int bucketCount();

  /** The strategy's name: {@code hash-mod}, {@code jump}, {@code ring} or {@code range}. */
  String strategy();

  /**
   * A human-readable name of {@code bucket}, such as {@code "G-M"} for a range router; the bucket
   * number otherwise.
   *
   * @throws IllegalArgumentException if {@code bucket} is out of range
   */
  default String bucketLabel(int bucket) {
    Checks.inRange(bucket, 0, bucketCount() - 1L, "bucket");
    return Integer.toString(bucket);
  }

  /**
   * {@code hash(key) mod buckets}, as older systems shard. Kept for comparison: changing the count
   * from n to n + 1 moves n/(n+1) of all keys (a key stays only where {@code h mod n == h mod
   * (n+1)}).
   *
   * @throws IllegalArgumentException if {@code buckets < 1}
   * @throws NullPointerException if {@code hasher} is null
   */
  static <K> ShardRouter<K> hashMod(int buckets, KeyHasher<? super K> hasher) {
    return new HashModRouter<>(
        Checks.positive(buckets, "buckets"), Checks.notNull(hasher, "hasher"));
  }

  /**
   * Jump consistent hash (Lamping and Veach 2014) over the key's well-mixed 64-bit hash: no state,
   * perfectly balanced in expectation, and going from n to n + 1 buckets moves exactly the keys
   * that land in the new bucket, 1/(n+1) of them.
   *
   * @throws IllegalArgumentException if {@code buckets < 1}
   * @throws NullPointerException if {@code hasher} is null
   */
  static <K> ShardRouter<K> jump(int buckets, KeyHasher<? super K> hasher) {
    return new JumpRouter<>(Checks.positive(buckets, "buckets"), Checks.notNull(hasher, "hasher"));
  }

  /**
   * A consistent-hash ring with {@code virtualNodes} points per bucket. A bucket's points depend
   * only on its number, so adding a bucket moves only the keys on the arcs its points take. Load
   * spread (coefficient of variation) shrinks like {@code 1/sqrt(virtualNodes)}; 100 to 1000 points
   * per bucket is typical.
   *
   * @throws IllegalArgumentException if {@code buckets < 1} or {@code virtualNodes < 1}
   * @throws NullPointerException if {@code hasher} is null
   */
  static <K> ShardRouter<K> ring(int buckets, int virtualNodes, KeyHasher<? super K> hasher) {
    return new RingRouter<>(
        Checks.positive(buckets, "buckets"),
        Checks.positive(virtualNodes, "virtualNodes"),
        Checks.notNull(hasher, "hasher"));
  }

  /**
   * Ranges of the first character, compared ignoring case: {@code prefixRanges("A-F", "G-M", "N-S",
   * "T-Z")} gives four buckets. The ranges must be in order and contiguous; keys before the first
   * range (digits, say) go to bucket 0 and keys after the last go to the last bucket.
   *
   * @throws IllegalArgumentException if a range is not {@code X-Y} with {@code X <= Y}, or the
   *     ranges are not contiguous and ascending
   */
  static ShardRouter<String> prefixRanges(String... ranges) {
    return RangeRouter.ofPrefixes(List.of(ranges));
  }

  /**
   * Key ranges split at {@code splitPoints} (ascending, compared with {@link String#compareTo}):
   * bucket 0 holds keys below the first split point, bucket i keys in {@code [split[i-1],
   * split[i])}, the last bucket keys from the last split point on.
   *
   * @throws IllegalArgumentException if the split points are not strictly ascending
   */
  static ShardRouter<String> ranges(List<String> splitPoints) {
    return RangeRouter.ofSplits(splitPoints);
  }
}
