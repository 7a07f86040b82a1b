package io.headroom.sharding;

import java.sql.SQLException;

/**
 * A {@link SQLException} thrown by {@link SqlWork} on a shard, wrapped unchecked with the shard
 * named and the original kept as the cause (its SQLState tells a constraint violation from an
 * outage).
 */
public final class ShardSqlException extends ShardingException {
  private static final long serialVersionUID = 1L;

  private final String shard;
  private final Role role;
  private final SQLException sqlException;

  /**
   * Wraps {@code cause}.
   *
   * @param shard the shard's name
   * @param role which copy of it ran the work
   * @param cause the JDBC failure
   */
  public ShardSqlException(String shard, Role role, SQLException cause) {
    super("shard '" + shard + "' " + role.tag() + ": " + cause.getMessage(), cause);
    this.shard = shard;
    this.role = role;
    this.sqlException = cause;
  }

  /** The name of the shard that ran the work. */
  public String shard() {
    return shard;
  }

  /** Which copy of the shard ran the work. */
  public Role role() {
    return role;
  }

  /** The original JDBC failure. */
  public SQLException sqlException() {
    return sqlException;
  }

  /** The SQLState of the original failure, or null if the driver gave none. */
  public @org.jspecify.annotations.Nullable String sqlState() {
    return sqlException().getSQLState();
  }
}
