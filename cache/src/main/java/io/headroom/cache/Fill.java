package io.headroom.cache;

import org.jspecify.annotations.Nullable;

/**
 * One fill of one key, worked out once per miss: where it lives in Redis and what it must check
 * before it stores its result.
 *
 * @param key the key
 * @param mapped the key's Redis form, or {@code null} without L2
 * @param redisKey the L2 key in the current generation, or {@code null} when L2 cannot be used
 *     (none configured, or the generation is unknown because Redis is failing)
 * @param generation the generation {@code redisKey} is in, or -1
 * @param stripe the invalidation stripe of the key
 * @param startSeq the invalidation sequence read before the fill looked at L2 or the loader
 * @param deadline when the Redis steps of this fill must give up (ticker nanos)
 * @param refresh whether this is a background refresh (skips the L2 read, publishes its write)
 */
record Fill<K>(
    K key,
    @Nullable String mapped,
    @Nullable String redisKey,
    long generation,
    int stripe,
    long startSeq,
    long deadline,
    boolean refresh) {

  /** This fill with a new deadline, for a step that starts after a wait. */
  Fill<K> withDeadline(long newDeadline) {
    return new Fill<>(key, mapped, redisKey, generation, stripe, startSeq, newDeadline, refresh);
  }
}
