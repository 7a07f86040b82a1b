package io.headroom.sharding;

import io.headroom.core.Checks;
import io.headroom.sharding.internal.Routing;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the rows of the buckets that change shard between the current topology and a target one, in
 * resumable steps: {@link #copy()} (idempotent: rows already on the target are skipped), {@link
 * #verify()} (row counts and order-independent checksums per route and table), {@link
 * #switchTopology()} (only after a clean verification), then {@link #cleanup()} (deletes the moved
 * rows from their old shards). {@link #run()} does all four and can be re-run after a crash at any
 * point.
 *
 * <pre>{@code
 * Topology next = shards.topology().withShardAdded("shard2");
 * ShardMigration<String> m = ShardMigration.builder(shards, next)
 *     .table("links", "code", rs -> rs.getString("code"))
 *     .build();
 * m.run();
 * // after a crash past the switch, in a new process:
 * ShardMigration.builder(shards, next).from(previous).table(...).build().run();
 * }</pre>
 *
 * <p>A small helper, not an online migration: writes to the moving buckets must be paused from the
 * copy until the switch (reads may continue). Rows are found by scanning each source table and
 * routing every key, so it suits tables that fit a maintenance window. Not thread-safe; run one
 * migration at a time.
 *
 * @param <K> the key type
 */
public final class ShardMigration<K> {
  private static final Logger LOG = LoggerFactory.getLogger(ShardMigration.class);
  private static final Pattern IDENTIFIER =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

  /**
   * Reads a row's routing key.
   *
   * @param <K> the key type
   */
  @FunctionalInterface
  public interface KeyReader<K> {
    /**
     * Reads the key of the current row.
     *
     * @throws SQLException if the column cannot be read
     */
    K read(ResultSet row) throws SQLException;
  }

  /**
   * What {@link #verify()} found for one table on one route.
   *
   * @param table the table
   * @param from the old shard
   * @param to the new shard
   * @param sourceRows rows of the moving buckets on the old shard
   * @param targetRows rows of the moving buckets on the new shard
   * @param sourceChecksum order-independent checksum of those rows on the old shard
   * @param targetChecksum the same on the new shard
   */
  public record Check(
      String table,
      String from,
      String to,
      long sourceRows,
      long targetRows,
      long sourceChecksum,
      long targetChecksum) {
    /** Whether both sides hold the same rows. */
    public boolean matches() {
      return sourceRows == targetRows && sourceChecksum == targetChecksum;
    }
  }

  private record Table<K>(String name, String keyColumn, KeyReader<K> keys) {}

  private final ShardedDataSource<K> shards;
  private final Topology from;
  private final Topology to;
  private final ReshardPlan plan;
  private final List<Table<K>> tables;
  private final int batchSize;

  private ShardMigration(Builder<K> b) {
    this.shards = b.shards;
    Topology current = b.shards.topology();
    if (b.from != null) {
      this.from = b.from;
    } else {
      Checks.state(
          current.version() < b.target.version(),
          "the data source already routes by v%s; pass from(previousTopology) to resume a"
              + " migration after its switch",
          current.version());
      this.from = current;
    }
    this.to = b.target;
    this.plan = ReshardPlan.between(from, to);
    this.tables = List.copyOf(b.tables);
    this.batchSize = b.batchSize;
  }

  /**
   * Starts a migration of {@code shards} from their current topology to {@code target}.
   *
   * @throws NullPointerException if an argument is null
   */
  public static <K> Builder<K> builder(ShardedDataSource<K> shards, Topology target) {
    return new Builder<>(Checks.notNull(shards, "shards"), Checks.notNull(target, "target"));
  }

  /** The buckets that move. */
  public ReshardPlan plan() {
    return plan;
  }

  /**
   * Copies every row of a moving bucket to its new shard, skipping rows whose key the target
   * already holds; safe to repeat.
   *
   * @return the number of rows inserted
   * @throws ShardSqlException or {@link ShardUnavailableException} if a shard fails
   */
  public long copy() {
    long inserted = 0;
    for (String source : sourcesOfMoves()) {
      for (Table<K> t : tables) {
        inserted += copy(source, t);
      }
    }
    LOG.info("Migration v{} -> v{}: copied {} rows", from.version(), to.version(), inserted);
    return inserted;
  }

  private long copy(String source, Table<K> t) {
    ShardRouter<K> router = shards.router();
    return shards
        .shard(source)
        .write(
            src ->
                streaming(
                    src,
                    st -> {
                      long n = 0;
                      Map<String, List<Object[]>> pending = new HashMap<>();
                      try (ResultSet rs = st.executeQuery("SELECT * FROM " + t.name())) {
                        ResultSetMetaData md = rs.getMetaData();
                        int cols = md.getColumnCount();
                        List<String> names = new ArrayList<>();
                        for (int i = 1; i <= cols; i++) {
                          names.add(md.getColumnName(i));
                        }
                        while (rs.next()) {
                          int bucket = router.bucket(t.keys().read(rs));
                          if (!from.shardOf(bucket).equals(source)
                              || to.shardOf(bucket).equals(source)) {
                            continue;
                          }
                          Object[] row = new Object[cols + 1];
                          row[0] = t.keys().read(rs);
                          for (int i = 1; i <= cols; i++) {
                            row[i] = rs.getObject(i);
                          }
                          List<Object[]> batch =
                              pending.computeIfAbsent(to.shardOf(bucket), k -> new ArrayList<>());
                          batch.add(row);
                          if (batch.size() >= batchSize) {
                            n += insertMissing(to.shardOf(bucket), t, names, batch);
                            batch.clear();
                          }
                        }
                        for (Map.Entry<String, List<Object[]>> e : pending.entrySet()) {
                          n += insertMissing(e.getKey(), t, names, e.getValue());
                        }
                      }
                      return n;
                    }));
  }

  /** A statement body run by {@link #streaming}. */
  @FunctionalInterface
  private interface Scan<T> {
    T run(Statement st) throws SQLException;
  }

  /**
   * Runs {@code body} in a read transaction with a fetch size, so that PostgreSQL streams a whole
   * table scan through a cursor (its driver buffers the entire result otherwise) and the statement
   * timeout applies to each fetch rather than to the whole scan.
   */
  private <T> T streaming(java.sql.Connection c, Scan<T> body) throws SQLException {
    boolean auto = c.getAutoCommit();
    if (auto) {
      c.setAutoCommit(false);
    }
    boolean done = false;
    try (Statement st = c.createStatement()) {
      st.setFetchSize(batchSize);
      T result = body.run(st);
      c.commit();
      done = true;
      return result;
    } finally {
      if (!done) {
        try {
          c.rollback();
        } catch (SQLException e) {
          LOG.debug("rollback after a failed scan failed too", e);
        }
      }
      if (auto) {
        c.setAutoCommit(true);
      }
    }
  }

  private long insertMissing(String target, Table<K> t, List<String> names, List<Object[]> rows) {
    if (rows.isEmpty()) {
      return 0;
    }
    String insert =
        "INSERT INTO "
            + t.name()
            + " ("
            + String.join(", ", names)
            + ") VALUES ("
            + String.join(", ", Collections.nCopies(names.size(), "?"))
            + ")";
    return shards
        .shard(target)
        .write(
            c -> {
              boolean auto = c.getAutoCommit();
              c.setAutoCommit(false);
              long n = 0;
              try (PreparedStatement ins = c.prepareStatement(insert)) {
                Set<Object> present = present(c, t, rows);
                for (Object[] row : rows) {
                  if (present.contains(row[0])) {
                    continue;
                  }
                  for (int i = 1; i < row.length; i++) {
                    ins.setObject(i, row[i]);
                  }
                  ins.addBatch();
                  n++;
                }
                ins.executeBatch();
                c.commit();
              } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
              } finally {
                c.setAutoCommit(auto);
              }
              return n;
            });
  }

  /** The keys of {@code rows} that the target already holds, found with one query per 1000. */
  private Set<Object> present(java.sql.Connection c, Table<K> t, List<Object[]> rows)
      throws SQLException {
    Set<Object> present = new HashSet<>();
    for (int start = 0; start < rows.size(); start += 1000) {
      List<Object[]> chunk = rows.subList(start, Math.min(rows.size(), start + 1000));
      String sql =
          "SELECT * FROM "
              + t.name()
              + " WHERE "
              + t.keyColumn()
              + " IN ("
              + String.join(", ", Collections.nCopies(chunk.size(), "?"))
              + ")";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < chunk.size(); i++) {
          ps.setObject(i + 1, chunk.get(i)[0]);
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            present.add(t.keys().read(rs));
          }
        }
      }
    }
    return present;
  }

  /**
   * Counts and checksums the rows of the moving buckets on both sides of every route.
   *
   * @return one check per route and table
   */
  public List<Check> verify() {
    List<Check> checks = new ArrayList<>();
    for (Map.Entry<String, List<Integer>> route : routes().entrySet()) {
      String[] ends = route.getKey().split(" -> ", 2);
      for (Table<K> t : tables) {
        long[] src = digest(ends[0], t, ends[0], ends[1]);
        long[] dst = digest(ends[1], t, ends[0], ends[1]);
        Check c = new Check(t.name(), ends[0], ends[1], src[0], dst[0], src[1], dst[1]);
        checks.add(c);
        if (!c.matches()) {
          LOG.warn("Migration check failed: {}", c);
        }
      }
    }
    return List.copyOf(checks);
  }

  /**
   * {count, checksum} of the rows on {@code shard} whose bucket moves from {@code a} to {@code b}.
   */
  private long[] digest(String shard, Table<K> t, String a, String b) {
    ShardRouter<K> router = shards.router();
    return shards
        .shard(shard)
        .write(
            c ->
                streaming(
                    c,
                    st -> {
                      long count = 0;
                      long sum = 0;
                      try (ResultSet rs = st.executeQuery("SELECT * FROM " + t.name())) {
                        int cols = rs.getMetaData().getColumnCount();
                        while (rs.next()) {
                          int bucket = router.bucket(t.keys().read(rs));
                          if (!from.shardOf(bucket).equals(a) || !to.shardOf(bucket).equals(b)) {
                            continue;
                          }
                          long h = 17;
                          for (int i = 1; i <= cols; i++) {
                            String v = rs.getString(i);
                            h =
                                Routing.mix64(
                                    h * 31 + (v == null ? 0 : KeyHasher.strings().hash(v)));
                          }
                          count++;
                          sum += h;
                        }
                      }
                      return new long[] {count, sum};
                    }));
  }

  /**
   * Verifies, then routes by the target topology. Does nothing if the data source already does.
   *
   * @throws IllegalStateException naming the failed checks if the copies differ
   */
  public void switchTopology() {
    if (shards.topology().version() >= to.version()) {
      return;
    }
    List<Check> failed = new ArrayList<>();
    for (Check c : verify()) {
      if (!c.matches()) {
        failed.add(c);
      }
    }
    Checks.state(failed.isEmpty(), "copies differ, not switching: %s", failed);
    shards.switchTopology(to);
  }

  /**
   * Deletes the moved rows from their old shards; only after the switch, and safe to repeat.
   *
   * @return the number of rows deleted
   * @throws IllegalStateException if the data source does not route by the target topology yet
   */
  public long cleanup() {
    Checks.state(
        shards.topology().version() >= to.version(),
        "switch to topology v%s before deleting moved rows (current v%s)",
        to.version(),
        shards.topology().version());
    ShardRouter<K> router = shards.router();
    long deleted = 0;
    for (String source : sourcesOfMoves()) {
      for (Table<K> t : tables) {
        deleted +=
            shards
                .shard(source)
                .write(
                    c ->
                        streaming(
                            c,
                            st -> {
                              List<Object> keys = new ArrayList<>();
                              try (ResultSet rs =
                                  st.executeQuery(
                                      "SELECT " + t.keyColumn() + " FROM " + t.name())) {
                                while (rs.next()) {
                                  int bucket = router.bucket(t.keys().read(rs));
                                  if (from.shardOf(bucket).equals(source)
                                      && !to.shardOf(bucket).equals(source)) {
                                    keys.add(rs.getObject(1));
                                  }
                                }
                              }
                              long n = 0;
                              try (PreparedStatement del =
                                  c.prepareStatement(
                                      "DELETE FROM "
                                          + t.name()
                                          + " WHERE "
                                          + t.keyColumn()
                                          + " = ?")) {
                                for (Object k : keys) {
                                  del.setObject(1, k);
                                  del.addBatch();
                                }
                                for (int r : del.executeBatch()) {
                                  n += r == Statement.SUCCESS_NO_INFO ? 1 : r;
                                }
                              }
                              return n;
                            }));
      }
    }
    LOG.info("Migration v{} -> v{}: deleted {} moved rows", from.version(), to.version(), deleted);
    return deleted;
  }

  /**
   * Copy, verify and switch (unless already switched), then clean up. Re-run it after a failure.
   *
   * @throws IllegalStateException if verification fails (nothing is switched or deleted)
   */
  public void run() {
    if (shards.topology().version() < to.version()) {
      copy();
      switchTopology();
    }
    cleanup();
  }

  private List<String> sourcesOfMoves() {
    List<String> sources = new ArrayList<>();
    for (ReshardPlan.Move m : plan.moves()) {
      if (!sources.contains(m.from())) {
        sources.add(m.from());
      }
    }
    return sources;
  }

  private Map<String, List<Integer>> routes() {
    return new LinkedHashMap<>(plan.movesByRoute());
  }

  @Override
  public String toString() {
    return "ShardMigration{" + plan + ", tables=" + tables.stream().map(Table::name).toList() + "}";
  }

  /**
   * Configures a {@link ShardMigration}.
   *
   * @param <K> the key type
   */
  public static final class Builder<K> {
    private final ShardedDataSource<K> shards;
    private final Topology target;
    private final List<Table<K>> tables = new ArrayList<>();
    private int batchSize = 500;
    private @Nullable Topology from;

    private Builder(ShardedDataSource<K> shards, Topology target) {
      this.shards = shards;
      this.target = target;
    }

    /**
     * Adds a table whose rows are routed by {@code keyColumn}, read with {@code keys}.
     *
     * @throws IllegalArgumentException if a name is not a plain SQL identifier
     */
    public Builder<K> table(String name, String keyColumn, KeyReader<K> keys) {
      Checks.argument(
          IDENTIFIER.matcher(Checks.notNull(name, "name")).matches(),
          "name must be a plain SQL identifier: '%s'",
          name);
      Checks.argument(
          IDENTIFIER.matcher(Checks.notNull(keyColumn, "keyColumn")).matches(),
          "keyColumn must be a plain SQL identifier: '%s'",
          keyColumn);
      tables.add(new Table<>(name, keyColumn, Checks.notNull(keys, "keys")));
      return this;
    }

    /**
     * The topology the migration started from; by default the data source's current one. Needed
     * only to resume after the switch, when the data source already routes by the target.
     */
    public Builder<K> from(Topology previous) {
      this.from = Checks.notNull(previous, "previous");
      return this;
    }

    /**
     * Rows inserted per transaction on the target; default 500.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder<K> batchSize(int rows) {
      this.batchSize = Checks.positive(rows, "batchSize");
      return this;
    }

    /**
     * Plans the migration against the data source's current topology.
     *
     * @throws IllegalStateException if no table was added, or the data source already routes by the
     *     target and {@link #from(Topology)} was not given
     * @throws IllegalArgumentException if the target cannot follow the current topology
     */
    public ShardMigration<K> build() {
      Checks.state(!tables.isEmpty(), "add at least one table");
      return new ShardMigration<>(this);
    }
  }
}
