package io.headroom.sharding;

import io.headroom.sharding.internal.Routing;
import java.util.Arrays;

/**
 * A sorted array of ring points (signed 64-bit order) and the bucket owning each. A key belongs to
 * the first point at or after its hash, wrapping to the first point.
 */
final class RingRouter<K> implements ShardRouter<K> {
  private final int buckets;
  private final int virtualNodes;
  private final KeyHasher<? super K> hasher;
  private final long[] points;
  private final int[] owners;

  RingRouter(int buckets, int virtualNodes, KeyHasher<? super K> hasher) {
    long total = (long) buckets * virtualNodes;
    if (total > 1 << 22) {
      throw new IllegalArgumentException(
          "buckets * virtualNodes must be <= 2^22: " + buckets + " * " + virtualNodes);
    }
    this.buckets = buckets;
    this.virtualNodes = virtualNodes;
    this.hasher = hasher;
    int n = (int) total;
    // Pack (point, owner) pairs by sorting points and keeping a parallel owner array. A bucket's
    // points depend only on (bucket, vnode), never on the bucket count.
    long[][] pairs = new long[n][];
    int i = 0;
    for (int b = 0; b < buckets; b++) {
      for (int v = 0; v < virtualNodes; v++) {
        pairs[i++] = new long[] {point(b, v), b};
      }
    }
    Arrays.sort(pairs, (x, y) -> Long.compare(x[0], y[0]));
    this.points = new long[n];
    this.owners = new int[n];
    for (int j = 0; j < n; j++) {
      points[j] = pairs[j][0];
      owners[j] = (int) pairs[j][1];
    }
  }

  static long point(int bucket, int vnode) {
    return Routing.mix64(Routing.mix64(((long) bucket << 32) | vnode));
  }

  @Override
  public int bucket(K key) {
    long h = hasher.hash(key);
    int i = Arrays.binarySearch(points, h);
    if (i < 0) {
      i = -i - 1;
      if (i == points.length) {
        i = 0;
      }
    }
    return owners[i];
  }

  @Override
  public int bucketCount() {
    return buckets;
  }

  @Override
  public String strategy() {
    return "ring";
  }

  @Override
  public String toString() {
    return "ShardRouter.ring(" + buckets + ", virtualNodes=" + virtualNodes + ")";
  }
}
