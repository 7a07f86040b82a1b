package io.headroom.sharding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.breaker.BreakerRegistry;
import io.headroom.breaker.BreakerState;
import io.headroom.core.Settings;
import io.headroom.testkit.FakeTicker;
import io.headroom.testkit.fixtures.TcpProxy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every database backend must show: run by {@code ShardedDataSourceH2Test} and by
 * {@code ShardedDataSourcePostgresIT}. Two shards; "replicas" are simulated (the same database
 * through a stoppable TCP proxy, a second database that never receives writes, a closed port).
 */
abstract class ShardedDataSourceContract {
  static final Duration WINDOW = Duration.ofSeconds(2);

  /**
   * Long enough for a first connection on a loaded 2-core machine (a refused connection still costs
   * the whole timeout in HikariCP), short enough to keep the outage tests quick.
   */
  static final Duration CONNECT = Duration.ofSeconds(1);

  /** Long enough for a first connection to every shard; the hanging shard waits it out once. */
  static final Duration FAN_OUT = Duration.ofSeconds(2);

  /** Shard {@code i}'s primary: its own database (or schema). */
  protected abstract Endpoint primary(int shard);

  /** A database with the same table that never receives writes: a replica that lags forever. */
  protected abstract Endpoint stale(int shard);

  /** Shard {@code i}'s primary database reached through localhost:{@code proxyPort}. */
  protected abstract Endpoint viaProxy(int shard, int proxyPort);

  /** Where the database server listens, for the proxy. */
  protected abstract InetSocketAddress server();

  /** The same kind of endpoint at a port where nothing listens. */
  protected abstract Endpoint unreachable(int port);

  protected final FakeTicker ticker = new FakeTicker();
  protected final MeterRegistry meters = new SimpleMeterRegistry();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeEach
  void createTables() throws SQLException {
    for (int i = 0; i < 2; i++) {
      for (Endpoint e : List.of(primary(i), stale(i))) {
        try (Connection c = DriverManager.getConnection(e.jdbcUrl(), e.username(), e.password());
            Statement st = c.createStatement()) {
          st.execute(
              "CREATE TABLE IF NOT EXISTS items (k VARCHAR(64) PRIMARY KEY, v VARCHAR(255) NOT"
                  + " NULL)");
          st.execute("DELETE FROM items");
        }
      }
    }
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  /** Breakers that trip after 2 failures and close after 2 good trials, on the fake ticker. */
  BreakerRegistry breakers() {
    Map<String, String> fast = new HashMap<>();
    for (String pool :
        List.of("SHARD0_PRIMARY", "SHARD0_REPLICA_0", "SHARD1_PRIMARY", "SHARD1_REPLICA_0")) {
      fast.put("HEADROOM_BREAKER_SHARDING_DB_" + pool + "_FAILURE_COUNT", "2");
      fast.put("HEADROOM_BREAKER_SHARDING_DB_" + pool + "_HALF_OPEN_CALLS", "2");
    }
    // The slow-call rule (DATABASE preset: > 2s, 80%) judged after 4 calls instead of 20.
    fast.put("HEADROOM_BREAKER_SHARDING_DB_SHARD0_REPLICA_0_MINIMUM_CALLS", "4");
    return BreakerRegistry.builder()
        .ticker(ticker)
        .settings(Settings.of(fast))
        .meterRegistry(meters)
        .build();
  }

  ShardedDataSource<String> build(Endpoint p0, Optional<Endpoint> r0, Endpoint p1) {
    ShardedDataSource.Builder<String> b =
        ShardedDataSource.builder(ShardRouter.jump(64, KeyHasher.strings()))
            .ticker(ticker)
            .meterRegistry(meters)
            .breakerRegistry(breakers())
            .connectionTimeout(CONNECT)
            .fanOutTimeout(FAN_OUT)
            .readYourWritesWindow(WINDOW)
            .maxConnections(12);
    if (r0.isPresent()) {
      b.shard("shard0", p0, r0.get());
    } else {
      b.shard("shard0", p0);
    }
    ShardedDataSource<String> ds = b.shard("shard1", p1).build();
    closeables.add(0, ds);
    return ds;
  }

  static String keyOn(ShardedDataSource<String> ds, String shard, int skip) {
    int seen = 0;
    for (int i = 0; ; i++) {
      String k = "key" + i;
      if (ds.topology().shardOf(ds.router().bucket(k)).equals(shard) && seen++ == skip) {
        return k;
      }
    }
  }

  static int insert(Connection c, String k, String v) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO items (k, v) VALUES (?, ?)")) {
      ps.setString(1, k);
      ps.setString(2, v);
      return ps.executeUpdate();
    }
  }

  static Optional<String> find(Connection c, String k) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT v FROM items WHERE k = ?")) {
      ps.setString(1, k);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  static Optional<String> read(ShardAccess shard, String k) {
    return shard.read(c -> find(c, k));
  }

  static int write(ShardAccess shard, String k, String v) {
    return shard.write(c -> insert(c, k, v));
  }

  static long count(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM items")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  double counter(String name, String... tags) {
    var c = meters.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the fan-out cancelled us
    }
  }

  TcpProxy proxy() throws IOException {
    TcpProxy p = new TcpProxy(server().getAddress(), server().getPort());
    closeables.add(p);
    return p;
  }

  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void writesGoToThePrimaryAndReadsToTheReplica() throws IOException {
    TcpProxy proxy = proxy();
    ShardedDataSource<String> ds =
        build(primary(0), Optional.of(viaProxy(0, proxy.port())), primary(1));
    String k = keyOn(ds, "shard0", 0);
    assertThat(ds.forKey(k).shard()).isEqualTo("shard0");
    assertThat(write(ds.forKey(k), k, "v1")).isEqualTo(1);
    ticker.advance(WINDOW.plusMillis(1));

    assertThat(read(ds.forKey(k), k)).contains("v1");
    assertThat(counter("sharding.queries", "shard", "shard0", "role", "primary")).isEqualTo(1);
    assertThat(counter("sharding.queries", "shard", "shard0", "role", "replica")).isEqualTo(1);
  }

  @Test
  void aReadRightAfterAWriteSeesTheWrite() {
    ShardedDataSource<String> ds = build(primary(0), Optional.of(stale(0)), primary(1));
    String k = keyOn(ds, "shard0", 0);
    ds.forKey(k).write(c -> insert(c, k, "fresh"));

    assertThat(read(ds.forKey(k), k)).as("inside the window").contains("fresh");
    ticker.advance(WINDOW.plusMillis(1));
    assertThat(read(ds.forKey(k), k)).as("after the window the lagging replica answers").isEmpty();
  }

  @Test
  void aConsistencyTokenPinsReadsOfOtherKeysOnTheShard() {
    ShardedDataSource<String> ds = build(primary(0), Optional.of(stale(0)), primary(1));
    String written = keyOn(ds, "shard0", 0);
    String other = keyOn(ds, "shard0", 1);
    ds.forKey(other).write(c -> insert(c, other, "o"));
    ticker.advance(WINDOW.plusMillis(1));

    ConsistencyToken token = ConsistencyToken.create();
    ds.forKey(written, token).write(c -> insert(c, written, "w"));
    assertThat(read(ds.forKey(other, token), other)).contains("o");
    assertThat(read(ds.forKey(other), other)).as("without the token").isEmpty();
  }

  @Test
  void anUnreachableReplicaIsSkippedAndThePrimaryServes() throws IOException {
    ShardedDataSource<String> ds =
        build(primary(0), Optional.of(unreachable(closedPort())), primary(1));
    String k = keyOn(ds, "shard0", 0);
    ds.forKey(k).write(c -> insert(c, k, "v"));
    ticker.advance(WINDOW.plusMillis(1));

    for (int i = 0; i < 5; i++) {
      assertThat(read(ds.forKey(k), k)).contains("v");
    }
    // Two failed attempts trip the breaker; the next three never touch the replica.
    assertThat(counter("sharding.replica.fallbacks", "shard", "shard0", "reason", "error"))
        .isEqualTo(2);
    assertThat(counter("sharding.replica.fallbacks", "shard", "shard0", "reason", "unavailable"))
        .isEqualTo(3);
  }

  @Test
  void aStoppedReplicaIsUsedAgainAfterItRecovers() throws IOException {
    TcpProxy proxy = proxy();
    BreakerRegistry breakers = breakers();
    ShardedDataSource<String> ds =
        ShardedDataSource.builder(ShardRouter.jump(64, KeyHasher.strings()))
            .ticker(ticker)
            .meterRegistry(meters)
            .breakerRegistry(breakers)
            .connectionTimeout(CONNECT)
            .shard("shard0", primary(0), viaProxy(0, proxy.port()))
            .shard("shard1", primary(1))
            .build();
    closeables.add(0, ds);
    String k = keyOn(ds, "shard0", 0);
    ds.forKey(k).write(c -> insert(c, k, "v"));
    ticker.advance(WINDOW.plusMillis(1));
    assertThat(read(ds.forKey(k), k)).contains("v");
    double replicaReads = counter("sharding.queries", "shard", "shard0", "role", "replica");

    proxy.stop();
    for (int i = 0; i < 4; i++) {
      assertThat(read(ds.forKey(k), k)).contains("v");
    }
    var replica = breakers.find("sharding-db-shard0-replica-0").orElseThrow();
    assertThat(replica.state()).isEqualTo(BreakerState.OPEN);

    proxy.start();
    ticker.advance(Duration.ofSeconds(6)); // past the DATABASE preset's first open wait (5s)
    for (int i = 0; i < 3; i++) {
      assertThat(read(ds.forKey(k), k)).contains("v");
    }
    assertThat(replica.state()).isEqualTo(BreakerState.CLOSED);
    assertThat(counter("sharding.queries", "shard", "shard0", "role", "replica"))
        .isGreaterThanOrEqualTo(replicaReads + 3);
  }

  @Test
  void aShardWhosePrimaryIsDownFailsFastWhileTheOtherWorks() throws IOException {
    ShardedDataSource<String> ds = build(primary(0), Optional.empty(), unreachable(closedPort()));
    String down = keyOn(ds, "shard1", 0);
    String up = keyOn(ds, "shard0", 0);
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> ds.forKey(down).write(c -> insert(c, down, "x")))
          .isInstanceOfSatisfying(
              ShardUnavailableException.class,
              e -> {
                assertThat(e.shard()).isEqualTo("shard1");
                assertThat(e.role()).isEqualTo(Role.PRIMARY);
              })
          .hasMessageContaining("shard 'shard1' primary is unavailable: no connection within");
    }
    assertThatThrownBy(() -> ds.forKey(down).read(c -> find(c, down)))
        .isInstanceOf(ShardUnavailableException.class)
        .hasMessageContaining("shard 'shard1'")
        .hasMessageContaining("breaker 'sharding-db-shard1-primary' is open");

    assertThat(write(ds.forKey(up), up, "ok")).isEqualTo(1);
    assertThat(read(ds.forKey(up), up)).contains("ok");
  }

  @Test
  void forAllFansOutToEveryShard() {
    ShardedDataSource<String> ds = build(primary(0), Optional.empty(), primary(1));
    for (int i = 0; i < 20; i++) {
      String k = "fan" + i;
      ds.forKey(k).write(c -> insert(c, k, "v"));
    }
    Map<String, Long> counts = ds.forAll(Role.PRIMARY, ShardedDataSourceContract::count);
    assertThat(counts).containsOnlyKeys("shard0", "shard1");
    assertThat(counts.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(20);
    assertThat(counts.values()).allSatisfy(n -> assertThat(n).isPositive());
  }

  @Test
  void forAllReportsAShardThatDoesNotAnswerInTime() {
    ShardedDataSource<String> ds = build(primary(0), Optional.empty(), primary(1));
    Endpoint p1 = primary(1);
    try (Connection c = DriverManager.getConnection(p1.jdbcUrl(), p1.username(), p1.password())) {
      insert(c, "marker", "shard1 hangs");
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
    CountDownLatch release = new CountDownLatch(1);
    try {
      assertThatThrownBy(
              () ->
                  ds.forAll(
                      Role.PRIMARY,
                      c -> {
                        if (find(c, "marker").isPresent()) {
                          awaitQuietly(release); // hangs past the fan-out timeout
                        }
                        return count(c);
                      }))
          .isInstanceOfSatisfying(
              FanOutException.class,
              e -> {
                assertThat(e.failures()).containsOnlyKeys("shard1");
                assertThat(e.failures().get("shard1")).isInstanceOf(TimeoutException.class);
                assertThat(e.partialResults()).containsOnlyKeys("shard0");
              });
    } finally {
      release.countDown();
    }
  }

  @Test
  void poolsShareTheConnectionBudgetAndPublishHikariMeters() throws IOException {
    TcpProxy proxy = proxy();
    ShardedDataSource<String> ds =
        build(primary(0), Optional.of(viaProxy(0, proxy.port())), primary(1));
    // 12 connections over 3 pools, each pool named after its data source, shard and role.
    assertThat(meters.find("hikaricp.connections.max").gauges())
        .extracting(g -> g.getId().getTag("pool"), g -> g.value())
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("db-shard0-primary", 4.0),
            org.assertj.core.groups.Tuple.tuple("db-shard0-replica-0", 4.0),
            org.assertj.core.groups.Tuple.tuple("db-shard1-primary", 4.0));
    for (String meter :
        List.of(
            "hikaricp.connections",
            "hikaricp.connections.active",
            "hikaricp.connections.idle",
            "hikaricp.connections.pending",
            "hikaricp.connections.min")) {
      assertThat(meters.find(meter).tags("pool", "db-shard0-replica-0").gauge())
          .as(meter)
          .isNotNull();
    }
    String k = keyOn(ds, "shard0", 0);
    ds.forKey(k).write(c -> insert(c, k, "v"));
    // Timers are recorded inline (the gauges read HikariCP's pool statistics, refreshed each
    // second): one connection lent and given back by the primary, none by the replica.
    assertThat(
            meters
                .get("hikaricp.connections.acquire")
                .tags("pool", "db-shard0-primary")
                .timer()
                .count())
        .isEqualTo(1);
    assertThat(
            meters
                .get("hikaricp.connections.usage")
                .tags("pool", "db-shard0-primary")
                .timer()
                .count())
        .isEqualTo(1);
    assertThat(
            meters
                .get("hikaricp.connections.acquire")
                .tags("pool", "db-shard0-replica-0")
                .timer()
                .count())
        .isZero();
    assertThat(meters.get("sharding.skew").tags("name", "db").gauge().value()).isEqualTo(2.0);
    assertThat(meters.get("sharding.topology.version").tags("name", "db").gauge().value())
        .isEqualTo(1.0);
    assertThat(meters.find("headroom.sharding.pool.max").gauges()).as("the old gauges").isEmpty();

    ds.close();
    assertThat(meters.find("hikaricp.connections.max").gauges())
        .as("a closed pool takes its meters away")
        .isEmpty();
  }

  @Test
  void aSyntaxErrorIsAnAnswerThatOpensNoBreakerAndMovesNoRead() throws IOException {
    TcpProxy proxy = proxy();
    BreakerRegistry breakers = breakers();
    ShardedDataSource<String> ds =
        ShardedDataSource.builder(ShardRouter.jump(64, KeyHasher.strings()))
            .ticker(ticker)
            .meterRegistry(meters)
            .breakerRegistry(breakers)
            .connectionTimeout(CONNECT)
            .readYourWritesWindow(Duration.ZERO)
            .shard("shard0", primary(0), viaProxy(0, proxy.port()))
            .shard("shard1", primary(1))
            .build();
    closeables.add(0, ds);
    SqlWork<Boolean> badSql =
        c -> {
          try (Statement st = c.createStatement()) {
            return st.execute("SELEC 1"); // SQLState 42601 on PostgreSQL, 42001 on H2
          }
        };
    // Twice the breakers' failure count (2): were these failures, both breakers would open.
    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(() -> ds.shard("shard0").write(badSql))
          .isInstanceOfSatisfying(
              ShardSqlException.class,
              e -> {
                assertThat(e.role()).isEqualTo(Role.PRIMARY);
                assertThat(e.sqlState()).startsWith("42");
              });
      assertThatThrownBy(() -> ds.shard("shard0").read(badSql))
          .isInstanceOfSatisfying(
              ShardSqlException.class,
              e -> {
                assertThat(e.role()).as("not retried on the primary").isEqualTo(Role.REPLICA);
                assertThat(e.sqlState()).startsWith("42");
              });
    }
    assertThat(breakers.find("sharding-db-shard0-primary").orElseThrow().state())
        .isEqualTo(BreakerState.CLOSED);
    assertThat(breakers.find("sharding-db-shard0-replica-0").orElseThrow().state())
        .isEqualTo(BreakerState.CLOSED);
    assertThat(counter("sharding.replica.fallbacks", "shard", "shard0", "reason", "error"))
        .isZero();
    assertThat(counter("sharding.queries", "shard", "shard0", "role", "replica")).isEqualTo(4);
    assertThat(counter("sharding.queries", "shard", "shard0", "role", "primary")).isEqualTo(4);
  }

  @Test
  void aSlowReplicaIsTakenOutByItsBreakerAndThePrimaryServes() throws IOException {
    // The primary's database through the proxy: a replica that is up to date but slow to answer.
    TcpProxy proxy = proxy();
    ShardedDataSource<String> ds =
        build(primary(0), Optional.of(viaProxy(0, proxy.port())), primary(1));
    String k = keyOn(ds, "shard0", 0);
    ds.forKey(k).write(c -> insert(c, k, "v"));
    ticker.advance(WINDOW.plusMillis(1));
    String replicaPort = ":" + proxy.port() + "/";
    SqlWork<Optional<String>> slowOnReplicas =
        c -> {
          if (c.getMetaData().getURL().contains(replicaPort)) {
            ticker.advance(Duration.ofSeconds(3)); // past the DATABASE preset's 2s slow call
          }
          return find(c, k);
        };

    for (int i = 0; i < 4; i++) {
      assertThat(ds.forKey(k).read(slowOnReplicas)).contains("v");
    }
    assertThat(counter("sharding.queries", "shard", "shard0", "role", "replica")).isEqualTo(4);
    assertThat(ds.forKey(k).read(slowOnReplicas)).contains("v");
    assertThat(counter("sharding.replica.fallbacks", "shard", "shard0", "reason", "unavailable"))
        .isEqualTo(1);
    assertThat(counter("sharding.queries", "shard", "shard0", "role", "replica"))
        .as("the open breaker keeps reads off the slow replica")
        .isEqualTo(4);
  }

  @Test
  void aPrimaryThatGoesDownFailsFastNamingItsShardAndComesBack() throws IOException {
    TcpProxy proxy = proxy();
    ShardedDataSource<String> ds = build(viaProxy(0, proxy.port()), Optional.empty(), primary(1));
    String down = keyOn(ds, "shard0", 0);
    String up = keyOn(ds, "shard1", 0);
    assertThat(write(ds.forKey(down), down, "before")).isEqualTo(1);

    proxy.stop(); // cuts the pooled connection too
    for (int i = 0; i < 2; i++) {
      String row = down + "-" + i;
      assertThatThrownBy(() -> write(ds.forKey(down), row, "during"))
          .isInstanceOfSatisfying(
              ShardUnavailableException.class,
              e -> {
                assertThat(e.shard()).isEqualTo("shard0");
                assertThat(e.role()).isEqualTo(Role.PRIMARY);
              })
          .hasMessageContaining("shard 'shard0' primary is unavailable");
    }
    assertThatThrownBy(() -> read(ds.forKey(down), down))
        .isInstanceOf(ShardUnavailableException.class)
        .hasMessageContaining("breaker 'sharding-db-shard0-primary' is open");
    assertThat(write(ds.forKey(up), up, "ok")).as("the other shard keeps working").isEqualTo(1);
    assertThat(read(ds.forKey(up), up)).contains("ok");

    proxy.start();
    ticker.advance(Duration.ofSeconds(6)); // past the DATABASE preset's first open wait (5s)
    assertThat(read(ds.forKey(down), down)).contains("before");
    assertThat(read(ds.forKey(down), down)).contains("before");
    assertThat(write(ds.forKey(down), down + "-after", "after")).isEqualTo(1);
  }

  @Test
  void forAllReportsADownShardWithTheOthersAnswers() throws IOException {
    ShardedDataSource<String> ds = build(primary(0), Optional.empty(), unreachable(closedPort()));
    assertThatThrownBy(() -> ds.forAll(Role.PRIMARY, ShardedDataSourceContract::count))
        .isInstanceOfSatisfying(
            FanOutException.class,
            e -> {
              assertThat(e.failures()).containsOnlyKeys("shard1");
              assertThat(e.failures().get("shard1"))
                  .isInstanceOf(ShardUnavailableException.class)
                  .hasMessageContaining("shard 'shard1'");
              assertThat(e.partialResults()).containsOnly(Map.entry("shard0", 0L));
            });
  }
}
