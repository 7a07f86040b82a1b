package io.headroom.health;

import io.headroom.core.Checks;
import java.sql.Connection;
import java.time.Duration;
import java.util.function.IntSupplier;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Built-in check of a JDBC {@link DataSource}: a valid connection within the timeout ({@link
 * Connection#isValid(int)}), and, for a HikariCP pool, the threads waiting for a connection.
 *
 * <pre>{@code
 * health.register(DataSourceChecks.connection("db", hikariDataSource).timeout(Duration.ofSeconds(2)));
 * }</pre>
 *
 * <p>The check is {@link Status#DEGRADED} while threads wait for a pooled connection (the pool is
 * exhausted, so the check does not queue behind them) and {@link Status#DOWN} when no valid
 * connection can be had. It is a dependency check: readiness by default, refused in liveness.
 * HikariCP is optional; without it on the class path the pending count is simply not reported.
 * Stateless and thread-safe.
 */
public final class DataSourceChecks {
  private static final boolean HIKARI = present("com.zaxxer.hikari.HikariDataSource");

  private DataSourceChecks() {}

  /**
   * A check named {@code name} of {@code dataSource}; threads waiting for a connection are read
   * from HikariCP when {@code dataSource} is (or wraps) a {@code HikariDataSource}.
   *
   * @throws NullPointerException if an argument is null
   */
  public static CheckConfig.Builder connection(String name, DataSource dataSource) {
    Checks.notNull(dataSource, "dataSource");
    IntSupplier pending = HIKARI ? HikariSupport.pendingThreads(dataSource) : null;
    return connection(name, dataSource, pending);
  }

  /**
   * A check named {@code name} of {@code dataSource}, with the pool's waiting threads read from
   * {@code pendingThreads} (for pools other than HikariCP), or null when unknown.
   *
   * @throws NullPointerException if {@code name} or {@code dataSource} is null
   */
  public static CheckConfig.Builder connection(
      String name, DataSource dataSource, @Nullable IntSupplier pendingThreads) {
    Checks.notNull(dataSource, "dataSource");
    return CheckConfig.builder(name, () -> check(dataSource, pendingThreads, Duration.ofSeconds(1)))
        .groups(HealthGroup.READINESS)
        .dependency(true);
  }

  static CheckResult check(
      DataSource dataSource, @Nullable IntSupplier pendingThreads, Duration validTimeout)
      throws Exception {
    if (pendingThreads != null) {
      int pending = pendingThreads.getAsInt();
      if (pending > 0) {
        return CheckResult.degraded(pending + " threads are waiting for a pooled connection")
            .withDetail("pending", pending);
      }
    }
    int seconds = (int) Math.max(1, validTimeout.toSeconds());
    try (Connection c = dataSource.getConnection()) {
      if (!c.isValid(seconds)) {
        return CheckResult.down("connection is not valid");
      }
    }
    CheckResult up = CheckResult.up();
    return pendingThreads == null ? up : up.withDetail("pending", 0);
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, DataSourceChecks.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
