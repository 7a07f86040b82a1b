package io.headroom.sharding;

import io.headroom.core.Settings;
import io.headroom.core.internal.Redaction;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Reads {@code HEADROOM_SHARDS*} settings into a builder. */
final class ShardSettings {
  static final String SHARDS = "HEADROOM_SHARDS";
  static final String NAMES = "HEADROOM_SHARD_NAMES";
  static final String USER = "HEADROOM_SHARDS_USER";
  static final String PASSWORD = "HEADROOM_SHARDS_PASSWORD";
  static final String REPLICA_USER = "HEADROOM_SHARDS_REPLICA_USER";
  static final String REPLICA_PASSWORD = "HEADROOM_SHARDS_REPLICA_PASSWORD";
  static final String MAX_CONNECTIONS = "HEADROOM_SHARDS_MAX_CONNECTIONS";
  static final String CONNECTION_TIMEOUT = "HEADROOM_SHARDS_CONNECTION_TIMEOUT";
  static final String QUERY_TIMEOUT = "HEADROOM_SHARDS_QUERY_TIMEOUT";
  static final String FANOUT_TIMEOUT = "HEADROOM_SHARDS_FANOUT_TIMEOUT";
  static final String RYW_WINDOW = "HEADROOM_SHARDS_READ_YOUR_WRITES_WINDOW";
  static final String REPLICA_SELECTION = "HEADROOM_SHARDS_REPLICA_SELECTION";

  private ShardSettings() {}

  static void apply(Settings s, ShardedDataSource.Builder<?> b) {
    String raw = s.require(SHARDS);
    String[] groups = raw.split(",", -1);
    List<String> names = names(s, groups.length);
    String user = s.get(USER).orElse(null);
    String password = s.get(PASSWORD).orElse(null);
    String replicaUser = s.get(REPLICA_USER).orElse(user);
    String replicaPassword = s.get(REPLICA_PASSWORD).orElse(password);
    for (int i = 0; i < groups.length; i++) {
      String name = names.get(i);
      String[] urls = groups[i].split("\\|", -1);
      Endpoint primary = endpoint(s, raw, name, "primary", urls[0], user, password);
      List<Endpoint> replicas = new ArrayList<>();
      for (int r = 1; r < urls.length; r++) {
        replicas.add(
            endpoint(s, raw, name, "replica " + (r - 1), urls[r], replicaUser, replicaPassword));
      }
      b.shard(new ShardSpec(name, primary, replicas));
    }
    int max = s.getInt(MAX_CONNECTIONS, b.maxConnections);
    if (max < 1) {
      throw s.invalid(MAX_CONNECTIONS, Integer.toString(max), "must be > 0");
    }
    b.maxConnections = max;
    b.connectionTimeout = s.getDuration(CONNECTION_TIMEOUT, b.connectionTimeout);
    if (b.connectionTimeout.toMillis() < 250) {
      throw s.invalid(
          CONNECTION_TIMEOUT,
          b.connectionTimeout.toString(),
          "must be >= 250ms (HikariCP minimum)");
    }
    b.queryTimeout = positive(s, QUERY_TIMEOUT, s.getDuration(QUERY_TIMEOUT, b.queryTimeout));
    b.fanOutTimeout = positive(s, FANOUT_TIMEOUT, s.getDuration(FANOUT_TIMEOUT, b.fanOutTimeout));
    b.readYourWritesWindow = s.getDuration(RYW_WINDOW, b.readYourWritesWindow);
    b.replicaSelection = s.getEnum(REPLICA_SELECTION, ReplicaSelection.class, b.replicaSelection);
  }

  private static java.time.Duration positive(Settings s, String key, java.time.Duration d) {
    if (d.isZero()) {
      throw s.invalid(key, d.toString(), "must be > 0");
    }
    return d;
  }

  private static List<String> names(Settings s, int count) {
    List<String> names = new ArrayList<>();
    String raw = s.get(NAMES).orElse(null);
    if (raw == null) {
      for (int i = 0; i < count; i++) {
        names.add("shard" + i);
      }
      return names;
    }
    for (String n : raw.split(",", -1)) {
      if (n.isBlank()) {
        throw s.invalid(NAMES, raw, "a shard name is blank");
      }
      names.add(n.trim());
    }
    if (names.size() != count) {
      throw s.invalid(
          NAMES, raw, "names " + names.size() + " shards but " + SHARDS + " lists " + count);
    }
    return names;
  }

  private static Endpoint endpoint(
      Settings s,
      String raw,
      String shard,
      String role,
      String url,
      @Nullable String user,
      @Nullable String password) {
    String u = url.trim();
    String problem = problem(u);
    if (problem != null) {
      throw s.invalid(
          SHARDS,
          raw,
          "shard '" + shard + "' " + role + ": " + problem + ": '" + Redaction.maskUri(u) + "'");
    }
    return new Endpoint(u, user, password);
  }

  /** Why {@code url} cannot be used, or null if a registered JDBC driver accepts it. */
  static @Nullable String problem(String url) {
    if (url.isEmpty()) {
      return "the URL is empty";
    }
    if (!url.startsWith("jdbc:")) {
      return "not a JDBC URL (must start with jdbc:)";
    }
    try {
      DriverManager.getDriver(url);
      return null;
    } catch (SQLException e) {
      return "no JDBC driver on the class path accepts it";
    }
  }
}
