/**
 * Worker IDs leased in Redis: {@link io.headroom.idgen.redis.RedisWorkerIdProvider}. This package
 * is the only part of {@code headroom-idgen} that touches {@code headroom-redis} (an optional
 * dependency), and nothing outside it refers to it, so its classes load only when an application
 * that has {@code headroom-redis} on its class path uses them.
 */
@NullMarked
package io.headroom.idgen.redis;

import org.jspecify.annotations.NullMarked;
