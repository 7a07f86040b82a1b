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

  static double poolMax(SimpleMeterRegistry meters, String pool) {
    return meters.get("hikaricp.connections.max").tags("pool", pool).gauge().value();
  }

  @Test
  void buildsFromSettings() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Settings s =
        Settings.of(
            Map.of(
                "HEADROOM_SHARDING_URLS",
                mem("a") + "|" + mem("a1") + "|" + mem("a2") + "," + mem("b"),
                "HEADROOM_SHARDING_NAMES",
                "users-a, users-b",
                "HEADROOM_SHARDING_MAX_CONNECTIONS",
                "9",
                "HEADROOM_SHARDING_REPLICA_SELECTION",
                "least-in-use",
                "HEADROOM_SHARDING_USER",
                "sa",
                "HEADROOM_SHARDING_PASSWORD",
                ""));
    try (ShardedDataSource<String> ds =
        builder().name("app").settings(s).meterRegistry(meters).build()) {
      assertThat(ds.shardNames()).containsExactly("users-a", "users-b");
      assertThat(ds.topology().version()).isEqualTo(1);
      assertThat(ds.topology().bucketCounts())
          .containsEntry("users-a", 8)
          .containsEntry("users-b", 8);
      // 9 connections over 4 pools: 2 each, the remainder to the first primary.
      assertThat(poolMax(meters, "app-users-a-primary")).isEqualTo(3);
      assertThat(poolMax(meters, "app-users-a-replica-0")).isEqualTo(2);
      assertThat(poolMax(meters, "app-users-a-replica-1")).isEqualTo(2);
      assertThat(poolMax(meters, "app-users-b-primary")).isEqualTo(2);
      assertThat(meters.get("sharding.topology.version").tags("name", "app").gauge().value())
          .isEqualTo(1);
      assertThat(
              meters
                  .find("resilience4j.circuitbreaker.state")
                  .tags("name", "sharding-app-users-a-replica-1")
                  .gauges())
          .as("the default breakers are named sharding-<pool> and use the same registry")
          .isNotEmpty();
    }
  }

  @Test
  void settingsWinOverTheSettersInAnyOrder() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Settings s =
        Settings.of(
            Map.of(
                "HEADROOM_SHARDING_URLS",
                mem("w1") + "," + mem("w2"),
                "HEADROOM_SHARDING_MAX_CONNECTIONS",
                "6"));
    try (ShardedDataSource<String> ds =
        builder()
            .settings(s)
            .shard("from-code", Endpoint.of(mem("w0")))
            .maxConnections(30)
            .meterRegistry(meters)
            .build()) {
      assertThat(ds.shardNames())
          .as("the settings' shards replace the code's")
          .containsExactly("shard0", "shard1");
      assertThat(poolMax(meters, "db-shard0-primary")).isEqualTo(3);
    }
    // Without URLS the code's shards stay, and the other settings still win.
    SimpleMeterRegistry meters2 = new SimpleMeterRegistry();
    try (ShardedDataSource<String> ds =
        builder()
            .settings(Settings.of(Map.of("HEADROOM_SHARDING_MAX_CONNECTIONS", "5")))
            .maxConnections(30)
            .shard("from-code", Endpoint.of(mem("w0")))
            .meterRegistry(meters2)
            .build()) {
      assertThat(ds.shardNames()).containsExactly("from-code");
      assertThat(poolMax(meters2, "db-from-code-primary")).isEqualTo(5);
    }
  }

  @Test
  void theKeysOfThePreviousReleaseStillWork() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Settings old =
        Settings.of(
            Map.of(
                "HEADROOM_SHARDS", mem("o1") + "|" + mem("o1r"),
                "HEADROOM_SHARD_NAMES", "legacy",
                "HEADROOM_SHARDS_MAX_CONNECTIONS", "4",
                "HEADROOM_BREAKER_DB_LEGACY_REPLICA0_FAILURE_COUNT", "3"));
    try (ShardedDataSource<String> ds = builder().settings(old).meterRegistry(meters).build()) {
      assertThat(ds.shardNames()).containsExactly("legacy");
      assertThat(poolMax(meters, "db-legacy-primary")).isEqualTo(2);
    }
    assertThat(
            ShardSettings.withOldBreakerKeys(
                    old, "sharding-db-legacy-replica-0", "legacy", Role.REPLICA, 0)
                .getInt("HEADROOM_BREAKER_SHARDING_DB_LEGACY_REPLICA_0_FAILURE_COUNT", 0))
        .isEqualTo(3);
    // The new key wins when both are set.
    Settings both =
        Settings.of(Map.of("HEADROOM_SHARDS", mem("o2"), "HEADROOM_SHARDING_URLS", mem("o3")));
    assertThat(ShardSettings.view(both).get("URLS")).contains(mem("o3"));
  }

  @Test
  void noMeterRegistryMeansNoMeters() {
    try (ShardedDataSource<String> ds = builder().shard("a", Endpoint.of(mem("nm"))).build()) {
      int one = ds.forKey("k").write(c -> 1);
      assertThat(one).isEqualTo(1);
    }
    // Nothing to assert on a registry nobody gave: the build and the call ran without one, and
    // the global registry was not touched.
    assertThat(
            io.micrometer.core.instrument.Metrics.globalRegistry.find("sharding.queries").meters())
        .isEmpty();
    assertThat(
            io.micrometer.core.instrument.Metrics.globalRegistry
                .find("hikaricp.connections")
                .meters())
        .isEmpty();
  }

  @Test
  void badUrlsFailAtBuildTimeNamingTheShardWithThePasswordMasked() {
    Settings noDriver =
        Settings.of(
            Map.of(
                "HEADROOM_SHARDING_URLS", mem("c") + ",jdbc:nosuchdb://app:s3cret@db2:5432/app"));
    assertThatThrownBy(() -> builder().settings(noDriver).build())
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("HEADROOM_SHARDING_URLS")
        .hasMessageContaining("shard 'shard1' primary: no JDBC driver on the class path accepts it")
        .hasMessageContaining("jdbc:nosuchdb://app:***@db2:5432/app")
        .hasMessageNotContaining("s3cret");

    Settings notJdbc =
        Settings.of(Map.of("HEADROOM_SHARDING_URLS", mem("c") + "|postgres://u:pw123@h/db"));
    assertThatThrownBy(() -> builder().settings(notJdbc).build())
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
    assertThatThrownBy(() -> builder().settings(Settings.empty()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("HEADROOM_SHARDING_URLS");
    assertThatThrownBy(
            () ->
                builder()
                    .settings(
                        Settings.of(
                            Map.of(
                                "HEADROOM_SHARDING_URLS",
                                mem("d") + "," + mem("e"),
                                "HEADROOM_SHARDING_NAMES",
                                "only-one")))
                    .build())
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("names 1 shards but HEADROOM_SHARDING_URLS lists 2");
    assertThatThrownBy(
            () ->
                builder()
                    .settings(
                        Settings.of(
                            Map.of(
                                "HEADROOM_SHARDING_URLS",
                                mem("d"),
                                "HEADROOM_SHARDING_NAMES",
                                "bad name")))
                    .build())
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("HEADROOM_SHARDING_NAMES=bad name")
        .hasMessageContaining("[A-Za-z0-9_.-]");
    assertThatThrownBy(
            () ->
                builder()
                    .shard("a", Endpoint.of(mem("d")))
                    .settings(Settings.of(Map.of("HEADROOM_SHARDING_CONNECTION_TIMEOUT", "100ms")))
                    .build())
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("HEADROOM_SHARDING_CONNECTION_TIMEOUT=100ms")
        .hasMessageContaining("250ms");
    assertThatThrownBy(
            () ->
                builder()
                    .shard("a", Endpoint.of(mem("d")))
                    .settings(Settings.of(Map.of("HEADROOM_SHARDING_QUERY_TIMEOUT", "0s")))
                    .build())
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("HEADROOM_SHARDING_QUERY_TIMEOUT=0s");
    assertThatThrownBy(
            () ->
                builder()
                    .shard("a", Endpoint.of(mem("d")))
                    .settings(Settings.of(Map.of("HEADROOM_SHARDING_MAX_CONNECTIONS", "0")))
                    .build())
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("HEADROOM_SHARDING_MAX_CONNECTIONS=0");
    assertThatThrownBy(() -> builder().name("no spaces"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'no spaces'");
    assertThatThrownBy(() -> new ShardSpec("a/b", Endpoint.of(mem("d")), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'a/b'");
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
  void anExceptionOfTheWorkItselfReachesTheCallerAndTripsNoBreaker() throws SQLException {
    try (ShardedDataSource<String> ds = twoReplicas(ReplicaSelection.ROUND_ROBIN, "bug")) {
      IllegalStateException bug = new IllegalStateException("a bug in the caller's code");
      // More than the DATABASE preset's failure count (10 in 10s), were these failures.
      for (int i = 0; i < 12; i++) {
        assertThatThrownBy(
                () ->
                    ds.shard("s")
                        .write(
                            c -> {
                              throw bug;
                            }))
            .isSameAs(bug);
        assertThatThrownBy(
                () ->
                    ds.shard("s")
                        .read(
                            c -> {
                              throw bug;
                            }))
            .isSameAs(bug);
      }
      String primary = ds.shard("s").write(ShardedDataSourceConfigTest::who);
      String replica = ds.shard("s").read(ShardedDataSourceConfigTest::who);
      assertThat(primary).as("the primary's breaker is closed").isEqualTo("p");
      assertThat(replica).as("the replicas' breakers are closed").isIn("a", "b");
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
