package io.headroom.health;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import java.sql.SQLException;
import java.util.function.IntSupplier;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/** The HikariCP-specific part of {@link DataSourceChecks}; loaded only when HikariCP is present. */
final class HikariSupport {
  private HikariSupport() {}

  /** Reads threads awaiting a connection, or null when {@code ds} is not a Hikari pool. */
  static @Nullable IntSupplier pendingThreads(DataSource ds) {
    HikariDataSource hikari = unwrap(ds);
    if (hikari == null) {
      return null;
    }
    return () -> {
      HikariPoolMXBean pool = hikari.getHikariPoolMXBean();
      return pool == null ? 0 : pool.getThreadsAwaitingConnection();
    };
  }

  private static @Nullable HikariDataSource unwrap(DataSource ds) {
    if (ds instanceof HikariDataSource h) {
      return h;
    }
    try {
      return ds.isWrapperFor(HikariDataSource.class) ? ds.unwrap(HikariDataSource.class) : null;
    } catch (SQLException e) {
      return null;
    }
  }
}
