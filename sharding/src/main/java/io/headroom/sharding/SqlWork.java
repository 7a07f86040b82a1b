package io.headroom.sharding;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Work done with a connection lent by a {@link ShardedDataSource}; the connection is closed (given
 * back to its pool) when the work returns.
 *
 * @param <T> what the work returns
 */
@FunctionalInterface
public interface SqlWork<T> {

  /**
   * Does the work. Do not keep {@code connection} after returning.
   *
   * @throws SQLException any JDBC failure; it reaches the caller wrapped in {@link
   *     ShardSqlException}
   */
  T apply(Connection connection) throws SQLException;
}
