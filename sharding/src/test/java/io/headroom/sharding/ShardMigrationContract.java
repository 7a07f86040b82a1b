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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Resharding from 2 shards to 3: nothing lost, nothing duplicated, everything readable; run on H2
 * by {@code ShardMigrationTest} and on PostgreSQL by {@code ShardMigrationPostgresIT}.
 */
abstract class ShardMigrationContract {
  static final int ROWS = 2000;
  ShardedDataSource<String> ds;
  Topology v1;
  Topology v2;

  /** Shard {@code i}'s primary (0 to 2); its {@code links} table is dropped and created anew. */
  protected abstract Endpoint database(int shard);

  Connection connect(int shard) throws SQLException {
    Endpoint e = database(shard);
    return DriverManager.getConnection(e.jdbcUrl(), e.username(), e.password());
  }

  @BeforeEach
  void setUp() throws SQLException {
    for (int i = 0; i < 3; i++) {
      try (Connection c = connect(i);
          Statement st = c.createStatement()) {
        st.execute("DROP TABLE IF EXISTS links");
        st.execute("CREATE TABLE links (code VARCHAR(16) PRIMARY KEY, url VARCHAR(200), hits INT)");
      }
    }
    v1 = Topology.uniform(1, 256, List.of("shard0", "shard1"));
    v2 = v1.withShardAdded("shard2");
    ds =
        ShardedDataSource.builder(ShardRouter.jump(256, KeyHasher.strings()))
            .shard("shard0", database(0))
            .shard("shard1", database(1))
            .shard("shard2", database(2))
            .topology(v1)
            .build();
    // Each row goes where v1 routes it: one batch per shard.
    Map<String, List<Integer>> rowsByShard = new LinkedHashMap<>();
    for (int i = 0; i < ROWS; i++) {
      rowsByShard.computeIfAbsent(ds.forKey("c" + i).shard(), s -> new ArrayList<>()).add(i);
    }
    assertThat(rowsByShard).containsOnlyKeys("shard0", "shard1");
    rowsByShard.forEach(
        (shard, rows) ->
            ds.shard(shard)
                .write(
                    c -> {
                      try (PreparedStatement ps =
                          c.prepareStatement("INSERT INTO links VALUES (?, ?, ?)")) {
                        for (int i : rows) {
                          ps.setString(1, "c" + i);
                          ps.setString(2, "https://example.com/c" + i);
                          ps.setInt(3, i);
                          ps.addBatch();
                        }
                        return ps.executeBatch().length;
                      }
                    }));
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
    try (Connection c = connect(2);
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
    try (Connection c = connect(2);
        Statement st = c.createStatement()) {
      st.execute("UPDATE links SET hits = hits + 1 WHERE MOD(hits, 7) = 0");
    }
    assertThatThrownBy(m::switchTopology)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("copies differ, not switching");
    assertThat(ds.topology()).isEqualTo(v1);
    assertThatThrownBy(m::cleanup).hasMessageContaining("switch to topology v2");
  }

  @Test
  void resumesAfterACrashBetweenTheSwitchAndTheCleanup() {
    ShardMigration<String> m = migration();
    long copied = m.copy();
    m.switchTopology();
    // The crash: the moved rows are still on their old shards too; reads already use v2.
    assertThat(codes("shard0").size() + codes("shard1").size()).isEqualTo(ROWS);

    assertThat(migration().cleanup()).isEqualTo(copied); // a fresh process, from(v1)
    assertEveryRowOnceWhereTheNewTopologySays();
    assertThat(migration().cleanup()).as("cleaning up twice deletes nothing").isZero();
  }
}
