/**
 * Shard routing and sharded JDBC access: {@link io.headroom.sharding.ShardRouter} maps a key to a
 * logical bucket (hash-mod, jump consistent hash, consistent-hash ring, key ranges), a versioned
 * {@link io.headroom.sharding.Topology} maps buckets to physical shards, {@link
 * io.headroom.sharding.ReshardPlan} lists the buckets that move between two topologies, and {@link
 * io.headroom.sharding.ShardedDataSource} holds a HikariCP pool per primary and replica with
 * read/write splitting, read-your-writes and breaker-guarded replicas.
 */
@NullMarked
package io.headroom.sharding;

import org.jspecify.annotations.NullMarked;
