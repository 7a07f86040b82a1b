/**
 * The one way headroom reaches Redis: {@link io.headroom.redis.RedisConnector} (fail-fast Lettuce
 * connections to standalone, Sentinel or Cluster), {@link io.headroom.redis.RedisScript} (EVALSHA
 * with a NOSCRIPT fall-back) and {@link io.headroom.redis.RedisKeys} (namespaces and hash tags).
 */
@NullMarked
package io.headroom.redis;

import org.jspecify.annotations.NullMarked;
