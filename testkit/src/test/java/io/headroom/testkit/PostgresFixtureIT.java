package io.headroom.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresFixtureIT {
  @RegisterExtension static final PostgresFixture pg = PostgresFixture.create();

  static String scalar(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }

  static List<String> tables(Connection c) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  @Test
  void connectsToARealPostgres() throws SQLException {
    try (Connection c = pg.dataSource().getConnection()) {
      assertThat(scalar(c, "SELECT version()")).startsWith("PostgreSQL ");
      assertThat(scalar(c, "SELECT current_database()")).isEqualTo(pg.database().name());
    }
    assertThat(pg.jdbcUrl()).startsWith("jdbc:postgresql://").contains("/" + pg.database().name());
    assertThat(pg.database().name()).matches("t_[0-9a-f]{16}");
    assertThat(pg.description()).isNotBlank();
  }

  @Test
  void newDatabasesAreSeparateAndEmpty() throws SQLException {
    try (Connection c = pg.dataSource().getConnection();
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS only_here (id INT)");
    }
    PostgresFixture.Database other = pg.newDatabase();
    assertThat(other.name()).isNotEqualTo(pg.database().name());
    try (Connection c = other.connect()) {
      assertThat(scalar(c, "SELECT current_database()")).isEqualTo(other.name());
      assertThat(tables(c)).doesNotContain("only_here");
    }
  }

  @Test
  void anotherFixtureGetsItsOwnDatabaseWhichCloseDrops() throws SQLException {
    PostgresFixture second = PostgresFixture.create();
    String name = second.database().name();
    assertThat(name).isNotEqualTo(pg.database().name());
    assertThat(second.port()).as("one server per JVM").isEqualTo(pg.port());
    second.close();
    try (Connection c = pg.dataSource().getConnection()) {
      assertThat(scalar(c, "SELECT count(*) FROM pg_database WHERE datname = '" + name + "'"))
          .isEqualTo("0");
    }
  }

  @Test
  void stopCausesAnOutageAndStartEndsIt() throws SQLException {
    if (pg.description().contains("HEADROOM_TEST_POSTGRES_URL")) {
      assertThatThrownBy(pg::stop).isInstanceOf(IllegalStateException.class);
      return;
    }
    try (Connection c = pg.dataSource().getConnection();
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS kept (id INT)");
      st.execute("INSERT INTO kept VALUES (42)");
    }
    pg.stop();
    assertThat(pg.isRunning()).isFalse();
    assertThatThrownBy(() -> pg.dataSource().getConnection()).isInstanceOf(SQLException.class);

    pg.start();
    assertThat(pg.isRunning()).isTrue();
    try (Connection c = pg.dataSource().getConnection()) {
      assertThat(scalar(c, "SELECT max(id) FROM kept")).isEqualTo("42");
    }
  }
}
