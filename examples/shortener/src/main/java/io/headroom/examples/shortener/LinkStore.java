package io.headroom.examples.shortener;

import io.headroom.sharding.ShardedDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The {@code links} table on every shard, routed by short code. Writes go to the shard's primary;
 * lookups to a replica (or the primary during the read-your-writes window).
 */
final class LinkStore {
  private static final String INSERT =
      "INSERT INTO links (code, id, url, created_at, expires_at, access_count)"
          + " VALUES (?, ?, ?, ?, ?, 0)";
  private static final String FIND =
      "SELECT id, url, created_at, expires_at FROM links WHERE code = ?";
  private static final String COUNT = "SELECT access_count FROM links WHERE code = ?";
  private static final String ADD_COUNT =
      "UPDATE links SET access_count = access_count + ? WHERE code = ?";

  private final ShardedDataSource<String> shards;

  LinkStore(ShardedDataSource<String> shards) {
    this.shards = shards;
  }

  void insert(Link link) {
    shards
        .forKey(link.code())
        .write(
            c -> {
              try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setString(1, link.code());
                ps.setLong(2, link.id());
                ps.setString(3, link.url());
                ps.setObject(4, OffsetDateTime.ofInstant(link.createdAt(), ZoneOffset.UTC));
                Instant exp = link.expiresAt();
                if (exp == null) {
                  ps.setNull(5, Types.TIMESTAMP_WITH_TIMEZONE);
                } else {
                  ps.setObject(5, OffsetDateTime.ofInstant(exp, ZoneOffset.UTC));
                }
                return ps.executeUpdate();
              }
            });
  }

  Optional<Link> find(String code) {
    return shards.forKey(code).read(c -> find(c, code));
  }

  private static Optional<Link> find(Connection c, String code) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(FIND)) {
      ps.setString(1, code);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        OffsetDateTime created = rs.getObject(3, OffsetDateTime.class);
        @Nullable OffsetDateTime expires = rs.getObject(4, OffsetDateTime.class);
        return Optional.of(
            new Link(
                code,
                rs.getLong(1),
                rs.getString(2),
                created.toInstant(),
                expires == null ? null : expires.toInstant()));
      }
    }
  }

  /** The stored access count, or empty if the code is unknown. */
  Optional<Long> accessCount(String code) {
    return shards
        .forKey(code)
        .read(
            c -> {
              try (PreparedStatement ps = c.prepareStatement(COUNT)) {
                ps.setString(1, code);
                try (ResultSet rs = ps.executeQuery()) {
                  return rs.next() ? Optional.of(rs.getLong(1)) : Optional.<Long>empty();
                }
              }
            });
  }

  /** The shard that owns {@code code}. */
  String shardOf(String code) {
    return shards.forKey(code).shard();
  }

  /**
   * Adds {@code counts} (code to increment, all of one shard) in one batch and one transaction, in
   * code order so that two nodes flushing at once cannot deadlock.
   */
  void addCounts(String shard, Map<String, Long> counts) {
    TreeMap<String, Long> sorted = new TreeMap<>(counts);
    shards
        .shard(shard)
        .write(
            c -> {
              boolean auto = c.getAutoCommit();
              c.setAutoCommit(false);
              try (PreparedStatement ps = c.prepareStatement(ADD_COUNT)) {
                for (Map.Entry<String, Long> e : sorted.entrySet()) {
                  ps.setLong(1, e.getValue());
                  ps.setString(2, e.getKey());
                  ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
                return sorted.size();
              } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
              } finally {
                c.setAutoCommit(auto);
              }
            });
  }

  List<String> shardNames() {
    return new ArrayList<>(shards.shardNames());
  }
}
