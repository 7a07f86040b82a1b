package io.headroom.sharding;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Groups the calls of one unit of work (an HTTP request, a user session) so that once it has
 * written to a shard, its reads from that shard go to the primary for the read-your-writes window,
 * whatever key they are for.
 *
 * <pre>{@code
 * ConsistencyToken token = ConsistencyToken.create();
 * shards.forKey(userId, token).write(c -> insertOrder(c, order));
 * shards.forKey(userId, token).read(c -> listOrders(c, userId));   // served by the primary
 * }</pre>
 *
 * <p>Thread-safe; cheap to create. Tokens are not tied to one {@link ShardedDataSource}, but shard
 * names are compared, so use one token per data source.
 */
public final class ConsistencyToken {
  private final ConcurrentHashMap<String, Long> lastWriteNanos = new ConcurrentHashMap<>(4);

  private ConsistencyToken() {}

  /** A token that has not written anything yet. */
  public static ConsistencyToken create() {
    return new ConsistencyToken();
  }

  void recordWrite(String shard, long nanos) {
    lastWriteNanos.put(shard, nanos);
  }

  boolean wroteWithin(String shard, long now, long windowNanos) {
    Long t = lastWriteNanos.get(shard);
    return t != null && now - t < windowNanos;
  }

  @Override
  public String toString() {
    return "ConsistencyToken{shardsWritten=" + lastWriteNanos.keySet() + "}";
  }
}
