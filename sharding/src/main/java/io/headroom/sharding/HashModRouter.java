package io.headroom.sharding;

/** {@code floorMod(hash, n)}. */
final class HashModRouter<K> implements ShardRouter<K> {
  private final int buckets;
  private final KeyHasher<? super K> hasher;

  HashModRouter(int buckets, KeyHasher<? super K> hasher) {
    this.buckets = buckets;
    this.hasher = hasher;
  }

  @Override
  public int bucket(K key) {
    return (int) Long.remainderUnsigned(hasher.hash(key), buckets);
  }

  @Override
  public int bucketCount() {
    return buckets;
  }

  @Override
  public String strategy() {
    return "hash-mod";
  }

  @Override
  public String toString() {
    return "ShardRouter.hashMod(" + buckets + ")";
  }
}
