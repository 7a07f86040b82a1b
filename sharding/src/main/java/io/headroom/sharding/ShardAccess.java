package io.headroom.sharding;

import javax.sql.DataSource;

/**
 * The shard chosen for one key (or named explicitly): where its writes and reads go.
 *
 * <pre>{@code
 * Link link = shards.forKey(code).read(c -> dao.find(c, code));     // a replica, or the primary
 * shards.forKey(code).write(c -> dao.insert(c, link));               // the primary
 * }</pre>
 *
 * <p>Prefer the {@link SqlWork} forms: they run the work under the pool's breaker, record slow and
 * failed calls, and retry a read on the primary when a replica fails. The {@link DataSource} forms
 * are for code that needs a {@code DataSource} (a query builder, a migration tool); they guard only
 * the acquisition of the connection.
 *
 * <p>Cheap, short-lived and thread-safe; obtain a new one per call.
 */
public interface ShardAccess {

  /** The shard's name. */
  String shard();

  /**
   * Runs {@code work} on the primary and starts the read-your-writes window for this key (and the
   * token, if any).
   *
   * @return what {@code work} returned
   * @throws ShardUnavailableException if the primary's breaker is open, no connection came within
   *     the connection timeout, or the connection was lost during the work (SQLState class 08; the
   *     write may then have been applied or not)
   * @throws ShardSqlException if {@code work} threw any other {@link java.sql.SQLException}
   */
  <T> T write(SqlWork<T> work);

  /**
   * Runs {@code work} on a healthy replica, or on the primary when the read-your-writes window is
   * open, the shard has no replica, every replica's breaker is open, or the replica failed (the
   * read is then retried once on the primary).
   *
   * @return what {@code work} returned
   * @throws ShardUnavailableException if the read needs the primary and it is unavailable
   * @throws ShardSqlException if {@code work} threw a {@link java.sql.SQLException} that is an
   *     answer rather than an outage (SQLState class 22, 23 or 42), or threw on the primary
   */
  <T> T read(SqlWork<T> work);

  /**
   * The primary as a {@link DataSource}, and starts the read-your-writes window.
   *
   * <p>Its {@code getConnection()} throws {@link ShardUnavailableException} (unchecked) when the
   * primary is unavailable.
   */
  DataSource write();

  /**
   * A {@link DataSource} that lends a replica connection, or a primary one under the same rules as
   * {@link #read(SqlWork)} (a replica whose connection fails is skipped).
   */
  DataSource read();
}
