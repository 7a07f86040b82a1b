package io.headroom.sharding;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.headroom.breaker.Breaker;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One HikariCP pool (a primary or a replica of one shard) and the breaker guarding it. The pool is
 * named {@code <data source>-<shard>-primary} or {@code <data source>-<shard>-replica-<i>}, which
 * is the {@code pool} tag of HikariCP's own {@code hikaricp.connections.*} meters.
 */
final class Pool implements AutoCloseable {
  final String shard;
  final Role role;
  final String name;
  final Endpoint endpoint;
  final Breaker breaker;
  final int maxSize;
  private final HikariDataSource hikari;
  private final int networkTimeoutMillis;

  Pool(
      String shard,
      Role role,
      String name,
      Endpoint endpoint,
      int maxSize,
      Duration connectionTimeout,
      Duration queryTimeout,
      Breaker breaker,
      @Nullable MeterRegistry meters) {
    this.shard = shard;
    this.role = role;
    this.name = name;
    this.endpoint = endpoint;
    this.maxSize = maxSize;
    this.breaker = breaker;
    // The socket timeout backs up the server-side statement timeout by a margin.
    this.networkTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, queryTimeout.toMillis() + 1000);
    HikariConfig c = new HikariConfig();
    c.setPoolName(name);
    if (meters != null) {
      c.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(meters));
    }
    c.setJdbcUrl(endpoint.jdbcUrl());
    if (endpoint.username() != null) {
      c.setUsername(endpoint.username());
    }
    if (endpoint.password() != null) {
      c.setPassword(endpoint.password());
    }
    c.setMaximumPoolSize(maxSize);
    // Lazy pools: a replica that is down at start-up must not fail the build or hold threads.
    c.setMinimumIdle(0);
    c.setInitializationFailTimeout(-1);
    c.setConnectionTimeout(connectionTimeout.toMillis());
    c.setValidationTimeout(Math.min(connectionTimeout.toMillis(), 1000));
    c.setReadOnly(role == Role.REPLICA);
    String init = statementTimeoutSql(endpoint.jdbcUrl(), queryTimeout);
    if (init != null) {
      c.setConnectionInitSql(init);
    }
    try {
      this.hikari = new HikariDataSource(c);
    } catch (RuntimeException e) {
      // Hikari's own message may repeat the URL with its password; never keep it.
      throw new IllegalArgumentException(
          "shard '"
              + shard
              + "' "
              + role.tag()
              + ": cannot create a pool for "
              + endpoint.maskedUrl()
              + " ("
              + e.getClass().getSimpleName()
              + ")");
    }
  }

  /** A server-side statement timeout for the drivers that take one on a new connection. */
  static @Nullable String statementTimeoutSql(String jdbcUrl, Duration queryTimeout) {
    long ms = Math.max(1, queryTimeout.toMillis());
    String url = jdbcUrl.toLowerCase(Locale.ROOT);
    if (url.startsWith("jdbc:postgresql:")) {
      return "SET statement_timeout = " + ms;
    }
    if (url.startsWith("jdbc:h2:")) {
      return "SET QUERY_TIMEOUT " + ms;
    }
    return null;
  }

  /** A connection with the network timeout set; the caller owns the breaker permission. */
  Connection connect() throws SQLException {
    Connection c = hikari.getConnection();
    try {
      c.setNetworkTimeout(Runnable::run, networkTimeoutMillis);
    } catch (SQLException | UnsupportedOperationException e) {
      // Drivers that cannot bound the socket rely on the statement timeout alone.
    }
    return c;
  }

  /**
   * Marks every idle connection (including the one that just failed and was given back) for
   * eviction: when a database goes away every pooled connection to it is dead, and a recovered
   * database must not be judged by them.
   */
  void evictIdle() {
    HikariPoolMXBean mx = hikari.getHikariPoolMXBean();
    if (mx != null) {
      mx.softEvictConnections();
    }
  }

  int inUse() {
    HikariPoolMXBean mx = hikari.getHikariPoolMXBean();
    return mx == null ? 0 : mx.getActiveConnections() + mx.getThreadsAwaitingConnection();
  }

  @Override
  public void close() {
    hikari.close();
  }

  @Override
  public String toString() {
    return name + "(" + endpoint.maskedUrl() + ", max=" + maxSize + ")";
  }
}
