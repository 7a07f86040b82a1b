package io.headroom.sharding;

import io.headroom.core.Ticker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/** One shard's pools, replica choice and failover. */
final class Shard implements AutoCloseable {
  final String name;
  final Pool primary;
  final Pool[] replicas;
  private final ReplicaSelection selection;
  private final Ticker ticker;
  private final Duration connectionTimeout;
  private final AtomicInteger next = new AtomicInteger();
  final LongAdder routed = new LongAdder();
  private final Counter primaryQueries;
  private final Counter replicaQueries;
  private final Counter fallbackUnavailable;
  private final Counter fallbackError;

  Shard(
      String name,
      Pool primary,
      Pool[] replicas,
      ReplicaSelection selection,
      Ticker ticker,
      Duration connectionTimeout,
      MeterRegistry meters) {
    this.name = name;
    this.primary = primary;
    this.replicas = replicas;
    this.selection = selection;
    this.ticker = ticker;
    this.connectionTimeout = connectionTimeout;
    this.primaryQueries = queries(meters, name, Role.PRIMARY);
    this.replicaQueries = queries(meters, name, Role.REPLICA);
    this.fallbackUnavailable = fallbacks(meters, name, "unavailable");
    this.fallbackError = fallbacks(meters, name, "error");
  }

  private static Counter queries(MeterRegistry meters, String shard, Role role) {
    return Counter.builder("headroom.sharding.queries")
        .tags("shard", shard, "role", role.tag())
        .description("Calls routed to the shard, by the role that served them")
        .register(meters);
  }

  private static Counter fallbacks(MeterRegistry meters, String shard, String reason) {
    return Counter.builder("headroom.sharding.replica.fallbacks")
        .tags("shard", shard, "reason", reason)
        .description("Reads meant for a replica that the primary served")
        .register(meters);
  }

  // ---- work ----

  <T> T onPrimary(SqlWork<T> work) {
    routed.increment();
    primaryQueries.increment();
    Pool p = primary;
    acquirePrimary();
    long start = ticker.read();
    Connection c;
    try {
      c = p.connect();
    } catch (SQLException e) {
      p.breaker.onError(ticker.read() - start, e);
      throw noConnection(e);
    }
    return runOn(p, c, start, work);
  }

  <T> T read(SqlWork<T> work, boolean primaryOnly) {
    if (primaryOnly || replicas.length == 0) {
      return onPrimary(work);
    }
    Pool r = pickReplica();
    if (r == null) {
      fallbackUnavailable.increment();
      return onPrimary(work);
    }
    routed.increment();
    replicaQueries.increment();
    long start = ticker.read();
    Connection c;
    try {
      c = r.connect();
    } catch (SQLException e) {
      r.breaker.onError(ticker.read() - start, e);
      fallbackError.increment();
      return onPrimary(work);
    }
    T result;
    try {
      result = work.apply(c);
    } catch (SQLException e) {
      long took = ticker.read() - start;
      if (isAnswer(e)) {
        closeQuietly(c);
        r.breaker.onSuccess(took);
        throw new ShardSqlException(name, Role.REPLICA, e);
      }
      closeQuietly(c);
      r.evictIdle();
      r.breaker.onError(took, e);
      fallbackError.increment();
      return onPrimary(work);
    } catch (RuntimeException | Error e) {
      closeQuietly(c);
      r.breaker.releasePermission();
      throw e;
    }
    closeQuietly(c);
    r.breaker.onSuccess(ticker.read() - start);
    return result;
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException | RuntimeException e) {
      // The pool has already dealt with a broken connection.
    }
  }

  private <T> T runOn(Pool p, Connection c, long start, SqlWork<T> work) {
    T result;
    try {
      result = work.apply(c);
    } catch (SQLException e) {
      closeQuietly(c);
      if (!isAnswer(e)) {
        p.evictIdle();
      }
      p.breaker.onError(ticker.read() - start, e);
      if (isConnectionLoss(e)) {
        throw new ShardUnavailableException(
            name,
            p.role,
            "the connection was lost during the call (a write may or may not have been applied): "
                + e.getMessage(),
            e);
      }
      throw new ShardSqlException(name, p.role, e);
    } catch (RuntimeException | Error e) {
      closeQuietly(c);
      p.breaker.releasePermission();
      throw e;
    }
    closeQuietly(c);
    p.breaker.onSuccess(ticker.read() - start);
    return result;
  }

  // ---- connections for the DataSource views ----

  Connection primaryConnection() {
    routed.increment();
    primaryQueries.increment();
    acquirePrimary();
    long start = ticker.read();
    try {
      Connection c = primary.connect();
      primary.breaker.onSuccess(ticker.read() - start);
      return c;
    } catch (SQLException e) {
      primary.breaker.onError(ticker.read() - start, e);
      throw noConnection(e);
    }
  }

  Connection readConnection(boolean primaryOnly) {
    if (primaryOnly || replicas.length == 0) {
      return primaryConnection();
    }
    Pool r = pickReplica();
    if (r == null) {
      fallbackUnavailable.increment();
      return primaryConnection();
    }
    routed.increment();
    replicaQueries.increment();
    long start = ticker.read();
    try {
      Connection c = r.connect();
      r.breaker.onSuccess(ticker.read() - start);
      return c;
    } catch (SQLException e) {
      r.breaker.onError(ticker.read() - start, e);
      fallbackError.increment();
      return primaryConnection();
    }
  }

  // ---- helpers ----

  private void acquirePrimary() {
    if (!primary.breaker.tryAcquirePermission()) {
      throw new ShardUnavailableException(
          name,
          Role.PRIMARY,
          "breaker '" + primary.breaker.name() + "' is open after repeated failures",
          null);
    }
  }

  private ShardUnavailableException noConnection(SQLException e) {
    return new ShardUnavailableException(
        name, Role.PRIMARY, "no connection within " + connectionTimeout, e);
  }

  /** A replica whose breaker granted a permission, or null if none did. */
  private @Nullable Pool pickReplica() {
    int n = replicas.length;
    if (selection == ReplicaSelection.LEAST_IN_USE) {
      Pool best = null;
      int bestLoad = Integer.MAX_VALUE;
      for (Pool r : replicas) {
        if (!r.breaker.state().isOpen()) {
          int load = r.inUse();
          if (load < bestLoad) {
            best = r;
            bestLoad = load;
          }
        }
      }
      if (best != null && best.breaker.tryAcquirePermission()) {
        return best;
      }
    }
    int start = Math.floorMod(next.getAndIncrement(), n);
    for (int i = 0; i < n; i++) {
      Pool r = replicas[(start + i) % n];
      if (r.breaker.tryAcquirePermission()) {
        return r;
      }
    }
    return null;
  }

  /**
   * Whether {@code e} is the database's answer (bad data, a constraint, a bad statement) rather
   * than an outage: SQLState classes 22, 23 and 42. Answers are not retried elsewhere.
   */
  static boolean isAnswer(SQLException e) {
    String state = e.getSQLState();
    return state != null
        && (state.startsWith("22") || state.startsWith("23") || state.startsWith("42"));
  }

  /**
   * Whether {@code e} says the database went away rather than rejected the work: a connection
   * exception (SQLState class 08, or the JDBC connection exception types), or PostgreSQL's
   * administrator or crash shutdown and "cannot connect now" (57P01, 57P02, 57P03).
   */
  static boolean isConnectionLoss(SQLException e) {
    if (e instanceof SQLTransientConnectionException
        || e instanceof SQLNonTransientConnectionException) {
      return true;
    }
    String state = e.getSQLState();
    return state != null
        && (state.startsWith("08")
            || state.equals("57P01")
            || state.equals("57P02")
            || state.equals("57P03"));
  }

  @Override
  public void close() {
    primary.close();
    for (Pool r : replicas) {
      r.close();
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
