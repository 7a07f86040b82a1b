package io.headroom.sharding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Resharding from 2 shards to 3 on H2: nothing lost, nothing duplicated, everything readable. */
class ShardMigrationTest {
  static final int ROWS = 2000;
  final String id = UUID.randomUUID().toString().substring(0, 8);
  ShardedDataSource<String> ds;
  Topology v1;
  Topology v2;

  String url(int shard) {
    return "jdbc:h2:mem:" + id + "-m" + shard + ";DB_CLOSE_DELAY=-1";
  }

  @BeforeEach
  void setUp() throws SQLException {
    for (int i = 0; i < 3; i++) {
      try (Connection c = DriverManager.getConnection(url(i));
          Statement st = c.createStatement()) {
        st.execute("CREATE TABLE links (code VARCHAR(16) PRIMARY KEY, url VARCHAR(200), hits INT)");
      }
    }
    v1 = Topology.uniform(1, 256, List.of("shard0", "shard1"));
    v2 = v1.withShardAdded("shard2");
    ds =
        ShardedDataSource.builder(ShardRouter.jump(256, KeyHasher.strings()))
            .shard("shard0", Endpoint.of(url(0)))
            .shard("shard1", Endpoint.of(url(1)))
            .shard("shard2", Endpoint.of(url(2)))
            .topology(v1)
            .build();
    for (int i = 0; i < ROWS; i++) {
      String code = "c" + i;
      int hits = i;
      ds.forKey(code)
          .write(
              c -> {
                try (PreparedStatement ps =
                    c.prepareStatement("INSERT INTO links VALUES (?, ?, ?)")) {
                  ps.setString(1, code);
                  ps.setString(2, "https://example.com/" + code);
                  ps.setInt(3, hits);
                  return ps.executeUpdate();
                }
              });
    }
  }

  @AfterEach
  void tearDown() {
    ds.close();
  }

  ShardMigration<String> migration() {
    return ShardMigration.builder(ds, v2)
        .from(v1)
        .table("links", "code", rs -> rs.getString("code"))
        .batchSize(100)
        .build();
  }

  List<String> codes(String shard) {
    return ds.shard(shard)
        .write(
            c -> {
              List<String> out = new ArrayList<>();
              try (Statement st = c.createStatement();
                  ResultSet rs = st.executeQuery("SELECT code FROM links")) {
                while (rs.next()) {
                  out.add(rs.getString(1));
                }
              }
              return out;
            });
  }

  void assertEveryRowOnceWhereTheNewTopologySays() {
    Set<String> seen = new HashSet<>();
    int total = 0;
    for (String shard : List.of("shard0", "shard1", "shard2")) {
      for (String code : codes(shard)) {
        total++;
        seen.add(code);
        assertThat(v2.shardOf(ds.router().bucket(code))).as(code).isEqualTo(shard);
      }
    }
    assertThat(total).as("no duplicates").isEqualTo(ROWS);
    assertThat(seen).as("nothing lost").hasSize(ROWS);
    for (int i = 0; i < ROWS; i++) {
      String code = "c" + i;
      int hits =
          ds.forKey(code)
              .read(
                  c -> {
                    try (PreparedStatement ps =
                        c.prepareStatement("SELECT hits FROM links WHERE code = ?")) {
                      ps.setString(1, code);
                      try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).as("readable: %s", code).isTrue();
                        return rs.getInt(1);
                      }
                    }
                  });
      assertThat(hits).isEqualTo(i);
    }
  }

  @Test
  void movesRowsFromTwoShardsToThree() {
    ShardMigration<String> m = migration();
    assertThat(m.plan().moves()).hasSize(85); // floor(256 / 3)
    assertThat(m.plan().movesByRoute().keySet())
        .containsExactlyInAnyOrder("shard0 -> shard2", "shard1 -> shard2");

    long copied = m.copy();
    assertThat(copied).isEqualTo(codes("shard2").size()).isBetween(550L, 780L);
    assertThat(m.verify()).allSatisfy(c -> assertThat(c.matches()).as(c.toString()).isTrue());
    m.switchTopology();
    assertThat(ds.topology()).isEqualTo(v2);
    assertThat(m.cleanup()).isEqualTo(copied);
    assertEveryRowOnceWhereTheNewTopologySays();
  }

  @Test
  void resumesAfterACrashMidCopy() throws SQLException {
    ShardMigration<String> m = migration();
    m.copy();
    // The crash: only part of the copy had been committed.
    try (Connection c = DriverManager.getConnection(url(2));
        Statement st = c.createStatement()) {
      st.execute("DELETE FROM links WHERE MOD(hits, 3) = 0");
    }
    assertThat(m.verify()).anySatisfy(c -> assertThat(c.matches()).isFalse());

    migration().run(); // a fresh process re-runs the whole migration
    assertEveryRowOnceWhereTheNewTopologySays();
    migration().run(); // and running it again changes nothing
    assertEveryRowOnceWhereTheNewTopologySays();
    assertThatThrownBy(
            () -> ShardMigration.builder(ds, v2).table("links", "code", rs -> "x").build())
        .hasMessageContaining("pass from(previousTopology)");
  }

  @Test
  void refusesToSwitchWhenACopyDiffers() throws SQLException {
    ShardMigration<String> m = migration();
    m.copy();
    try (Connection c = DriverManager.getConnection(url(2));
        Statement st = c.createStatement()) {
      st.execute("UPDATE links SET hits = hits + 1 WHERE MOD(hits, 7) = 0");
    }
    assertThatThrownBy(m::switchTopology)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("copies differ, not switching");
    assertThat(ds.topology()).isEqualTo(v1);
    assertThatThrownBy(m::cleanup).hasMessageContaining("switch to topology v2");
  }
}
