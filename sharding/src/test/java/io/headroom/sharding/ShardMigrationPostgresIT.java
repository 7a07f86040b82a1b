package io.headroom.sharding;

import io.headroom.testkit.fixtures.PostgresFixture;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The resharding contract on real PostgreSQL: one database per shard on the fixture's server. */
class ShardMigrationPostgresIT extends ShardMigrationContract {
  @RegisterExtension static final PostgresFixture pg = PostgresFixture.create();

  static final List<PostgresFixture.Database> shards = new ArrayList<>();

  @BeforeAll
  static void createDatabases() {
    shards.add(pg.database());
    shards.add(pg.newDatabase());
    shards.add(pg.newDatabase());
  }

  @Override
  protected Endpoint database(int shard) {
    PostgresFixture.Database d = shards.get(shard);
    return new Endpoint(d.jdbcUrl(), d.user(), d.password().isEmpty() ? null : d.password());
  }
}
