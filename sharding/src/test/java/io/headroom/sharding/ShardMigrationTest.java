package io.headroom.sharding;

import java.util.UUID;

/** The resharding contract on H2 in-memory databases. */
class ShardMigrationTest extends ShardMigrationContract {
  final String id = UUID.randomUUID().toString().substring(0, 8);

  @Override
  protected Endpoint database(int shard) {
    return Endpoint.of("jdbc:h2:mem:" + id + "-m" + shard + ";DB_CLOSE_DELAY=-1");
  }
}
