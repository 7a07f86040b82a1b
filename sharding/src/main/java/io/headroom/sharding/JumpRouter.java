package io.headroom.sharding;

import io.headroom.sharding.internal.Routing;

/** Lamping and Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm" (2014). */
final class JumpRouter<K> implements ShardRouter<K> {
  private final int buckets;
  private final KeyHasher<? super K> hasher;

  JumpRouter(int buckets, KeyHasher<? super K> hasher) {
    this.buckets = buckets;
    this.hasher = hasher;
  }

  @Override
  public int bucket(K key) {
    return Routing.jump(hasher.hash(key), buckets);
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
