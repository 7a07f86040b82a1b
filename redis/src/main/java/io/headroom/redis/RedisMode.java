package io.headroom.redis;

/** How a {@link RedisConnector} reaches Redis, decided by the URI's scheme and shape. */
public enum RedisMode {
  /** One server: {@code redis://} or {@code rediss://}. */
  STANDALONE,
  /** The primary that Sentinel names: {@code redis-sentinel://} or {@code rediss-sentinel://}. */
  SENTINEL,
  /** Redis Cluster: a comma-separated seed list, or {@code redis-cluster://}. */
  CLUSTER
}
