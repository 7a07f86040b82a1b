package io.headroom.sharding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.Settings;
import io.headroom.core.SettingsException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Settings, URL validation, the budget, and replica selection, on H2. */
class ShardedDataSourceConfigTest {
  static final String ID = UUID.randomUUID().toString().substring(0, 8);

  static String mem(String name) {
    return "jdbc:h2:mem:" + ID + "-" + name + ";DB_CLOSE_DELAY=-1";
  }

  static ShardedDataSource.Builder<String> builder() {
    return ShardedDataSource.builder(ShardRouter.jump(16, KeyHasher.strings()));
  }

  @Test
  void buildsFromSettings() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Settings s =
        Settings.of(
            Map.of(
                "HEADROOM_SHARDS", mem("a") + "|" + mem("a1") + "|" + mem("a2") + "," + mem("b"),
                "HEADROOM_SHARDS_MAX_CONNECTIONS", "9",
                "HEADROOM_SHARDS_REPLICA_SELECTION", "least-in-use",
                "HEADROOM_SHARDS_USER", "sa",
                "HEADROOM_SHARDS_PASSWORD", ""));
    try (ShardedDataSource<String> ds = builder().settings(s).meterRegistry(meters).build()) {
      assertThat(ds.shardNames()).containsExactly("shard0", "shard1");
      assertThat(ds.topology().version()).isEqualTo(1);
      assertThat(ds.topology().bucketCounts())
          .containsEntry("shard0", 8)
          .containsEntry("shard1", 8);
      // 9 connections over 4 pools: 2 each, the remainder to the first primary.
      assertThat(
              meters
                  .get("headroom.sharding.pool.max")
                  .tags("pool", "shard0-primary")
                  .gauge()
                  .value())
          .isEqualTo(3);
      assertThat(
              meters
                  .get("headroom.sharding.pool.max")
                  .tags("pool", "shard0-replica1")
                  .gauge()
                  .value())
          .isEqualTo(2);
      assertThat(
              meters
                  .get("headroom.sharding.pool.max")
                  .tags("pool", "shard1-primary")
                  .gauge()
                  .value())
          .isEqualTo(2);
    }
  }

  @Test
  void badUrlsFailAtBuildTimeNamingTheShardWithThePasswordMasked() {
    Settings noDriver =
        Settings.of(
            Map.of("HEADROOM_SHARDS", mem("c") + ",jdbc:nosuchdb://app:s3cret@db2:5432/app"));
    assertThatThrownBy(() -> builder().settings(noDriver))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("HEADROOM_SHARDS")
        .hasMessageContaining("shard 'shard1' primary: no JDBC driver on the class path accepts it")
        .hasMessageContaining("jdbc:nosuchdb://app:***@db2:5432/app")
        .hasMessageNotContaining("s3cret");

    Settings notJdbc =
        Settings.of(Map.of("HEADROOM_SHARDS", mem("c") + "|postgres://u:pw123@h/db"));
    assertThatThrownBy(() -> builder().settings(notJdbc))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("shard 'shard0' replica 0: not a JDBC URL")
        .hasMessageNotContaining("pw123");

    assertThatThrownBy(
            () ->
                builder()
                    .shard("orders", Endpoint.of("jdbc:nosuchdb://x;password=hunter2"))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "shard 'orders' primary: no JDBC driver on the class path accepts it:"
                + " 'jdbc:nosuchdb://x;password=***'");
    assertThatThrownBy(() -> Endpoint.of("mysql://root:toor@h"))
        .hasMessageContaining("mysql://root:***@h");
    assertThat(new Endpoint("jdbc:h2:mem:x", "sa", "secret").toString())
        .isEqualTo("Endpoint{jdbc:h2:mem:x, user=sa, password=***}");
  }

  @Test
  void rejectsInconsistentSettings() {
    assertThatThrownBy(() -> builder().settings(Settings.empty()))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("HEADROOM_SHARDS");
    assertThatThrownBy(
            () ->
                builder()
                    .settings(
                        Settings.of(
                            Map.of(
                                "HEADROOM_SHARDS",
                                mem("d") + "," + mem("e"),
                                "HEADROOM_SHARD_NAMES",
                                "only-one"))))
        .hasMessageContaining("names 1 shards but HEADROOM_SHARDS lists 2");
    assertThatThrownBy(
            () ->
                builder()
                    .settings(
                        Settings.of(
                            Map.of(
                                "HEADROOM_SHARDS",
                                mem("d"),
                                "HEADROOM_SHARDS_CONNECTION_TIMEOUT",
                                "100ms"))))
        .hasMessageContaining("HEADROOM_SHARDS_CONNECTION_TIMEOUT")
        .hasMessageContaining("250ms");
    assertThatThrownBy(
            () ->
                builder()
                    .shard("a", Endpoint.of(mem("f")), Endpoint.of(mem("g")))
                    .maxConnections(1)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("maxConnections (1) must be at least the number of pools (2");
    assertThatThrownBy(
            () ->
                builder()
                    .shard("a", Endpoint.of(mem("f")))
                    .topology(Topology.uniform(1, 16, List.of("a", "ghost")))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("topology names shard 'ghost', which is not configured");
    assertThatThrownBy(() -> builder().build()).hasMessageContaining("no shard configured");
  }

  @Test
  void switchingTopologyChecksVersionAndShards() {
    try (ShardedDataSource<String> ds =
        builder().shard("a", Endpoint.of(mem("h"))).shard("b", Endpoint.of(mem("i"))).build()) {
      Topology v1 = ds.topology();
      assertThatThrownBy(() -> ds.switchTopology(v1)).hasMessageContaining("higher version");
      assertThatThrownBy(() -> ds.switchTopology(v1.withShardAdded("c")))
          .hasMessageContaining("'c', which is not configured");
      Topology v2 = v1.withBucketMoved(0, "b");
      ds.switchTopology(v2);
      assertThat(ds.topology()).isEqualTo(v2);
      assertThatThrownBy(() -> ds.shard("zzz")).hasMessageContaining("unknown shard: 'zzz'");
    }
  }

  // ---- replica selection ----

  static void who(String url, String name) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS who (name VARCHAR(10))");
      st.execute("DELETE FROM who");
      st.execute("INSERT INTO who VALUES ('" + name + "')");
    }
  }

  static String who(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT name FROM who")) {
      rs.next();
      return rs.getString(1);
    }
  }

  ShardedDataSource<String> twoReplicas(ReplicaSelection selection, String tag)
      throws SQLException {
    who(mem(tag + "p"), "p");
    who(mem(tag + "a"), "a");
    who(mem(tag + "b"), "b");
    return builder()
        .replicaSelection(selection)
        .shard(
            "s",
            Endpoint.of(mem(tag + "p")),
            Endpoint.of(mem(tag + "a")),
            Endpoint.of(mem(tag + "b")))
        .build();
  }

  @Test
  void roundRobinAlternatesReplicas() throws SQLException {
    try (ShardedDataSource<String> ds = twoReplicas(ReplicaSelection.ROUND_ROBIN, "rr")) {
      List<String> served = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        served.add(ds.shard("s").read(ShardedDataSourceConfigTest::who));
      }
      assertThat(served).containsExactly("a", "b", "a", "b");
      String primary = ds.forKey("k").write(ShardedDataSourceConfigTest::who);
      assertThat(primary).isEqualTo("p");
    }
  }

  @Test
  void leastInUsePicksTheIdleReplicaAndTheDataSourceViewRoutesToo() throws SQLException {
    try (ShardedDataSource<String> ds = twoReplicas(ReplicaSelection.LEAST_IN_USE, "liu")) {
      DataSource reads = ds.shard("s").read();
      try (Connection held = reads.getConnection()) {
        String first = who(held);
        String second = ds.shard("s").read(ShardedDataSourceConfigTest::who);
        assertThat(List.of(first, second)).containsExactlyInAnyOrder("a", "b");
      }
      try (Connection c = ds.shard("s").write().getConnection()) {
        assertThat(who(c)).isEqualTo("p");
      }
    }
  }

  @Test
  void answersFromAReplicaAreNotRetriedOnThePrimary() throws SQLException {
    try (ShardedDataSource<String> ds = twoReplicas(ReplicaSelection.ROUND_ROBIN, "ans")) {
      assertThatThrownBy(
              () ->
                  ds.shard("s")
                      .read(
                          c -> {
                            try (Statement st = c.createStatement()) {
                              return st.executeQuery("SELECT nope FROM who").next();
                            }
                          }))
          .isInstanceOfSatisfying(
              ShardSqlException.class,
              e -> {
                assertThat(e.shard()).isEqualTo("s");
                assertThat(e.role()).isEqualTo(Role.REPLICA);
                assertThat(e.sqlState()).startsWith("42");
              });
    }
  }
}
