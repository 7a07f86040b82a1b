package io.headroom.sharding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.testkit.fixtures.PostgresFixture;
import io.headroom.testkit.fixtures.TcpProxy;
import java.net.InetSocketAddress;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The contract on real PostgreSQL from {@link PostgresFixture}: every shard primary and every
 * "replica" is its own database on one server. There is no streaming replication in the tests, so a
 * lagging replica is a database that never receives the writes, and a replica that goes down is the
 * primary's database behind a {@link TcpProxy} that the test stops.
 */
class ShardedDataSourcePostgresIT extends ShardedDataSourceContract {
  @RegisterExtension static final PostgresFixture pg = PostgresFixture.create();

  static final List<PostgresFixture.Database> primaries = new ArrayList<>();
  static final List<PostgresFixture.Database> stale = new ArrayList<>();

  @BeforeAll
  static void createDatabases() {
    for (int i = 0; i < 2; i++) {
      primaries.add(pg.newDatabase());
      stale.add(pg.newDatabase());
    }
  }

  static @Nullable String password() {
    return pg.password().isEmpty() ? null : pg.password();
  }

  static Endpoint endpoint(String url) {
    return new Endpoint(url, pg.user(), password());
  }

  @Override
  protected Endpoint primary(int shard) {
    return endpoint(primaries.get(shard).jdbcUrl());
  }

  @Override
  protected Endpoint stale(int shard) {
    return endpoint(stale.get(shard).jdbcUrl());
  }

  @Override
  protected Endpoint viaProxy(int shard, int proxyPort) {
    return endpoint("jdbc:postgresql://127.0.0.1:" + proxyPort + "/" + primaries.get(shard).name());
  }

  @Override
  protected InetSocketAddress server() {
    return new InetSocketAddress(pg.host(), pg.port());
  }

  @Override
  protected Endpoint unreachable(int port) {
    return endpoint("jdbc:postgresql://127.0.0.1:" + port + "/nowhere");
  }

  @Test
  void aRunawayQueryIsCancelledByTheServerSideStatementTimeout() {
    try (ShardedDataSource<String> ds =
        ShardedDataSource.builder(ShardRouter.jump(64, KeyHasher.strings()))
            .ticker(ticker)
            .meterRegistry(meters)
            .breakerRegistry(breakers())
            .connectionTimeout(CONNECT)
            .queryTimeout(Duration.ofMillis(300))
            .shard("shard0", primary(0))
            .shard("shard1", primary(1))
            .build()) {
      String k = keyOn(ds, "shard0", 0);
      assertThatThrownBy(
              () ->
                  ds.forKey(k)
                      .write(
                          c -> {
                            try (Statement st = c.createStatement()) {
                              return st.execute("SELECT pg_sleep(600)");
                            }
                          }))
          .isInstanceOfSatisfying(
              ShardSqlException.class,
              e -> {
                assertThat(e.shard()).isEqualTo("shard0");
                assertThat(e.sqlState()).as("query_canceled").isEqualTo("57014");
              });
      assertThat(write(ds.forKey(k), k, "after")).as("the connection is still usable").isOne();
    }
  }
}
