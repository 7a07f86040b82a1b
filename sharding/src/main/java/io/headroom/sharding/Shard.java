package io.headroom.sharding;

import io.headroom.breaker.CheckedFunction;
import io.headroom.breaker.GuardedCall;
import io.headroom.core.MeterConventions;
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

/**
 * One shard's pools, replica choice and failover. Every call goes through its pool's breaker with
 * {@link io.headroom.breaker.Breaker#guard}; the breaker's own classification ({@link
 * io.headroom.breaker.Breaker#isFailure}) decides whether a SQL error is a failure (evict idle
 * connections, retry a read on the primary) or the database's answer (thrown as it is).
 */
final class Shard implements AutoCloseable {
  final String name;
  final Pool primary;
  final Pool[] replicas;
  private final ReplicaSelection selection;
  private final Duration connectionTimeout;
  private final AtomicInteger next = new AtomicInteger();
  final LongAdder routed = new LongAdder();
  private final @Nullable Counter primaryQueries;
  private final @Nullable Counter replicaQueries;
  private final @Nullable Counter fallbackUnavailable;
  private final @Nullable Counter fallbackError;
  private final WorkOutcome workOutcome = new WorkOutcome();
  private final ConnectOutcome connectOutcome = new ConnectOutcome();

  Shard(
      String dataSource,
      String name,
      Pool primary,
      Pool[] replicas,
      ReplicaSelection selection,
      Duration connectionTimeout,
      @Nullable MeterRegistry meters) {
    this.name = name;
    this.primary = primary;
    this.replicas = replicas;
    this.selection = selection;
    this.connectionTimeout = connectionTimeout;
    if (meters == null) {
      this.primaryQueries = null;
      this.replicaQueries = null;
      this.fallbackUnavailable = null;
      this.fallbackError = null;
    } else {
      this.primaryQueries = queries(meters, dataSource, name, Role.PRIMARY);
      this.replicaQueries = queries(meters, dataSource, name, Role.REPLICA);
      this.fallbackUnavailable = fallbacks(meters, dataSource, name, "unavailable");
      this.fallbackError = fallbacks(meters, dataSource, name, "error");
    }
  }

  private static Counter queries(MeterRegistry meters, String ds, String shard, Role role) {
    return Counter.builder("sharding.queries")
        .tags(MeterConventions.NAME, ds, "shard", shard, "role", role.tag())
        .description("Calls routed to the shard, by the role that served them")
        .register(meters);
  }

  private static Counter fallbacks(MeterRegistry meters, String ds, String shard, String reason) {
    return Counter.builder("sharding.replica.fallbacks")
        .tags(MeterConventions.NAME, ds, "shard", shard, "reason", reason)
        .description("Reads meant for a replica that the primary served")
        .register(meters);
  }

  private static void count(@Nullable Counter c) {
    if (c != null) {
      c.increment();
    }
  }

  // ---- work ----

  /** How a guarded call ended, when it did not return a value or throw. */
  private static final int DONE = 0;

  private static final int NOT_PERMITTED = 1;
  private static final int RETRY_ON_PRIMARY = 2;

  /** The state of one call of {@link SqlWork}: the one object a call allocates. */
  private static final class Call<T> {
    final SqlWork<T> work;
    Pool pool;
    boolean connected;
    int outcome;
    @Nullable Object result;
    @Nullable RuntimeException workError;

    Call(SqlWork<T> work, Pool pool) {
      this.work = work;
      this.pool = pool;
    }

    Call<T> on(Pool p) {
      this.pool = p;
      this.connected = false;
      this.outcome = DONE;
      this.result = null;
      this.workError = null;
      return this;
    }

    /** The work's value (null only if the work returned null), or what the work threw. */
    @SuppressWarnings({"unchecked", "NullAway"})
    T result() {
      RuntimeException e = workError;
      if (e != null) {
        throw e;
      }
      return (T) result;
    }
  }

  /**
   * The guarded call: a connection from the pool, the work, the connection back. A {@link
   * RuntimeException} thrown by the work itself is the caller's bug, not the database's failure: it
   * is kept in the call and rethrown after the breaker has recorded the call (as a success: the
   * database did what it was asked).
   */
  private static final CheckedFunction<Call<?>, Object> RUN =
      call -> {
        Connection c = call.pool.connect();
        call.connected = true;
        try {
          return call.work.apply(c);
        } catch (RuntimeException e) {
          call.workError = e;
          return call;
        } finally {
          closeQuietly(c);
        }
      };

  /** What a call of {@link SqlWork} on one of this shard's pools turns into. */
  private final class WorkOutcome implements GuardedCall<Call<?>, Object, Call<?>> {
    @Override
    public Call<?> notPermitted(Call<?> call) {
      if (call.pool.role == Role.PRIMARY) {
        throw breakerOpen();
      }
      call.outcome = NOT_PERMITTED;
      return call;
    }

    @Override
    public Call<?> succeeded(Call<?> call, Object value, long nanos) {
      servedByReplica(call.pool);
      call.result = value;
      return call;
    }

    @Override
    public Call<?> failed(Call<?> call, Throwable error, long nanos) {
      Pool p = call.pool;
      servedByReplica(p);
      if (!(error instanceof SQLException e)) {
        throw unchecked(error);
      }
      if (!call.connected) {
        if (p.role == Role.REPLICA) {
          call.outcome = RETRY_ON_PRIMARY;
          return call;
        }
        throw noConnection(e);
      }
      if (p.breaker.isFailure(e)) {
        // The database may be gone: its idle connections (the one just given back too) are dead.
        p.evictIdle();
        if (p.role == Role.REPLICA) {
          call.outcome = RETRY_ON_PRIMARY;
          return call;
        }
      }
      if (isConnectionLoss(e)) {
        throw new ShardUnavailableException(
            name,
            p.role,
            "the connection was lost during the call (a write may or may not have been applied): "
                + e.getMessage(),
            e);
      }
      // An answer (bad data, a constraint, a bad statement), or a failure the breaker counted.
      throw new ShardSqlException(name, p.role, e);
    }
  }

  private void servedByReplica(Pool p) {
    if (p.role == Role.REPLICA) {
      routed.increment();
      count(replicaQueries);
    }
  }

  private static RuntimeException unchecked(Throwable t) {
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    // RUN throws only SQLException; anything else is a bug.
    throw new IllegalStateException(t);
  }

  <T> T onPrimary(SqlWork<T> work) {
    return onPrimary(new Call<>(work, primary));
  }

  private <T> T onPrimary(Call<T> call) {
    routed.increment();
    count(primaryQueries);
    primary.breaker.guard(call.on(primary), RUN, workOutcome);
    return call.result();
  }

  <T> T read(SqlWork<T> work, boolean primaryOnly) {
    Call<T> call = new Call<>(work, primary);
    if (primaryOnly || replicas.length == 0) {
      return onPrimary(call);
    }
    int n = replicas.length;
    if (selection == ReplicaSelection.LEAST_IN_USE) {
      Pool best = leastInUse();
      if (best != null) {
        int outcome = best.breaker.guard(call.on(best), RUN, workOutcome).outcome;
        if (outcome != NOT_PERMITTED) {
          return afterReplica(call);
        }
      }
    }
    int start = Math.floorMod(next.getAndIncrement(), n);
    for (int i = 0; i < n; i++) {
      Pool r = replicas[(start + i) % n];
      if (r.breaker.guard(call.on(r), RUN, workOutcome).outcome != NOT_PERMITTED) {
        return afterReplica(call);
      }
    }
    count(fallbackUnavailable);
    return onPrimary(call);
  }

  /** The result of a read a replica took: its value, or the primary's after a replica failure. */
  private <T> T afterReplica(Call<T> call) {
    if (call.outcome == RETRY_ON_PRIMARY) {
      count(fallbackError);
      return onPrimary(call);
    }
    return call.result();
  }

  /** The replica with the fewest connections in use or awaited among those not open, or null. */
  private @Nullable Pool leastInUse() {
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
    return best;
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException | RuntimeException e) {
      // The pool has already dealt with a broken connection.
    }
  }

  // ---- connections for the DataSource views ----

  private static final CheckedFunction<Pool, Connection> CONNECT = Pool::connect;

  /** Marks a replica that refused or failed, for the views; never a connection. */
  private static final Object SKIPPED = new Object();

  private static final Object FAILED = new Object();

  /** What asking one of this shard's pools for a connection turns into. */
  private final class ConnectOutcome implements GuardedCall<Pool, Connection, Object> {
    @Override
    public Object notPermitted(Pool p) {
      if (p.role == Role.PRIMARY) {
        throw breakerOpen();
      }
      return SKIPPED;
    }

    @Override
    public Object succeeded(Pool p, Connection c, long nanos) {
      servedByReplica(p);
      return c;
    }

    @Override
    public Object failed(Pool p, Throwable error, long nanos) {
      servedByReplica(p);
      if (p.role == Role.REPLICA) {
        return FAILED;
      }
      if (error instanceof SQLException e) {
        throw noConnection(e);
      }
      throw unchecked(error);
    }
  }

  Connection primaryConnection() {
    routed.increment();
    count(primaryQueries);
    return (Connection) primary.breaker.guard(primary, CONNECT, connectOutcome);
  }

  Connection readConnection(boolean primaryOnly) {
    if (primaryOnly || replicas.length == 0) {
      return primaryConnection();
    }
    int n = replicas.length;
    if (selection == ReplicaSelection.LEAST_IN_USE) {
      Pool best = leastInUse();
      if (best != null) {
        Object got = best.breaker.guard(best, CONNECT, connectOutcome);
        if (got != SKIPPED) {
          return replicaConnection(got);
        }
      }
    }
    int start = Math.floorMod(next.getAndIncrement(), n);
    for (int i = 0; i < n; i++) {
      Pool r = replicas[(start + i) % n];
      Object got = r.breaker.guard(r, CONNECT, connectOutcome);
      if (got != SKIPPED) {
        return replicaConnection(got);
      }
    }
    count(fallbackUnavailable);
    return primaryConnection();
  }

  private Connection replicaConnection(Object got) {
    if (got instanceof Connection c) {
      return c;
    }
    count(fallbackError);
    return primaryConnection();
  }

  // ---- helpers ----

  private ShardUnavailableException breakerOpen() {
    return new ShardUnavailableException(
        name,
        Role.PRIMARY,
        "breaker '" + primary.breaker.name() + "' is open after repeated failures",
        null);
  }

  private ShardUnavailableException noConnection(SQLException e) {
    return new ShardUnavailableException(
        name, Role.PRIMARY, "no connection within " + connectionTimeout, e);
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
