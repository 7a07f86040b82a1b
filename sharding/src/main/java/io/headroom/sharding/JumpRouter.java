package io.headroom.sharding;

/** Lamping and Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm" (2014). */
final class JumpRouter<K> implements ShardRouter<K> {
  private static final double TWO_POW_31 = 2147483648.0;

  private final int buckets;
  private final KeyHasher<? super K> hasher;

  JumpRouter(int buckets, KeyHasher<? super K> hasher) {
    this.buckets = buckets;
    this.hasher = hasher;
  }

  /** The paper's loop: a 64-bit LCG drives jumps whose expected count is ln(buckets) + 1. */
  static int jump(long key, int buckets) {
    long b = -1;
    long j = 0;
    long k = key;
    while (j < buckets) {
      b = j;
      k = k * 2862933555777941757L + 1;
      j = (long) ((b + 1) * (TWO_POW_31 / (double) ((k >>> 33) + 1)));
    }
    return (int) b;
  }

  @Override
  public int bucket(K key) {
    return jump(hasher.hash(key), buckets);
  }

  @Override
  public int bucketCount() {
    return buckets;
  }

  @Override
  public String strategy() {
    return "jump";
  }

  @Override
  public String toString() {
    return "ShardRouter.jump(" + buckets + ")";
  }
}
