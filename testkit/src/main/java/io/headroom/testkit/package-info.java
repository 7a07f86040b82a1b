/**
 * Test fixtures shared by every headroom module: real Redis ({@link
 * io.headroom.testkit.RedisFixture}), a real 6-node Redis Cluster ({@link
 * io.headroom.testkit.RedisClusterFixture}), real PostgreSQL ({@link
 * io.headroom.testkit.PostgresFixture}) and hand-driven time ({@link
 * io.headroom.testkit.FakeTicker}).
 */
@NullMarked
package io.headroom.testkit;

import org.jspecify.annotations.NullMarked;
