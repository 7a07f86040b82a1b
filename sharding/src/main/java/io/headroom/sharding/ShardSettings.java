package io.headroom.sharding;

import io.headroom.breaker.BreakerConfig;
import io.headroom.core.Settings;
import io.headroom.core.internal.Redaction;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Reads the {@code HEADROOM_SHARDING_*} settings into a builder. */
final class ShardSettings {
  static final String MODULE = "sharding";
  static final String PREFIX = Settings.modulePrefix(MODULE);

  // Keys relative to PREFIX (HEADROOM_SHARDING_).
  static final String URLS = "URLS";
  static final String NAMES = "NAMES";
  static final String USER = "USER";
  static final String PASSWORD = "PASSWORD";
  static final String REPLICA_USER = "REPLICA_USER";
  static final String REPLICA_PASSWORD = "REPLICA_PASSWORD";
  static final String MAX_CONNECTIONS = "MAX_CONNECTIONS";
  static final String CONNECTION_TIMEOUT = "CONNECTION_TIMEOUT";
  static final String QUERY_TIMEOUT = "QUERY_TIMEOUT";
  static final String FANOUT_TIMEOUT = "FANOUT_TIMEOUT";
  static final String READ_YOUR_WRITES_WINDOW = "READ_YOUR_WRITES_WINDOW";
  static final String REPLICA_SELECTION = "REPLICA_SELECTION";

  /** The keys of the previous release (old full key, new relative key), read for one release. */
  static final String[][] RENAMED = {
    {"HEADROOM_SHARDS", URLS},
    {"HEADROOM_SHARD_NAMES", NAMES},
    {"HEADROOM_SHARDS_USER", USER},
    {"HEADROOM_SHARDS_PASSWORD", PASSWORD},
    {"HEADROOM_SHARDS_REPLICA_USER", REPLICA_USER},
    {"HEADROOM_SHARDS_REPLICA_PASSWORD", REPLICA_PASSWORD},
    {"HEADROOM_SHARDS_MAX_CONNECTIONS", MAX_CONNECTIONS},
    {"HEADROOM_SHARDS_CONNECTION_TIMEOUT", CONNECTION_TIMEOUT},
    {"HEADROOM_SHARDS_QUERY_TIMEOUT", QUERY_TIMEOUT},
    {"HEADROOM_SHARDS_FANOUT_TIMEOUT", FANOUT_TIMEOUT},
    {"HEADROOM_SHARDS_READ_YOUR_WRITES_WINDOW", READ_YOUR_WRITES_WINDOW},
    {"HEADROOM_SHARDS_REPLICA_SELECTION", REPLICA_SELECTION},
  };

  /** The breaker properties, for the pools' breaker keys of the previous release. */
  private static final String[] BREAKER_PROPERTIES = {
    "ENABLED",
    "WINDOW_TYPE",
    "WINDOW_SIZE",
    "MINIMUM_CALLS",
    "FAILURE_RATE",
    "FAILURE_COUNT",
    "FAILURE_COUNT_WINDOW",
    "SLOW_CALL_DURATION",
    "SLOW_CALL_RATE",
    "OPEN_WAIT",
    "OPEN_WAIT_MULTIPLIER",
    "OPEN_WAIT_MAX",
    "HALF_OPEN_CALLS",
    "CALL_TIMEOUT",
  };

  private ShardSettings() {}

  /** The module's view of {@code settings}, with the keys of the previous release still read. */
  static Settings view(Settings settings) {
    Settings s = settings;
    for (String[] r : RENAMED) {
      s = s.withRenamedKey(settings.fullKey(r[0]), settings.fullKey(PREFIX + r[1]));
    }
    return s.forModule(MODULE);
  }

  /**
   * {@code settings} with the breaker keys of the previous release ({@code
   * HEADROOM_BREAKER_DB_<SHARD>_PRIMARY_*}, {@code HEADROOM_BREAKER_DB_<SHARD>_REPLICA<i>_*}) still
   * read for the pool's breaker, {@code breakerName}.
   */
  static Settings withOldBreakerKeys(
      Settings settings, String breakerName, String shard, Role role, int replica) {
    String old =
        "HEADROOM_BREAKER_DB_"
            + upper(shard)
            + (role == Role.PRIMARY ? "_PRIMARY_" : "_REPLICA" + replica + "_");
    String now = BreakerConfig.settingsPrefix(breakerName);
    Settings s = settings;
    for (String p : BREAKER_PROPERTIES) {
      s = s.withRenamedKey(settings.fullKey(old + p), settings.fullKey(now + p));
    }
    return s;
  }

  private static String upper(String name) {
    String u = name.toUpperCase(Locale.ROOT);
    StringBuilder sb = new StringBuilder(u.length());
    for (int i = 0; i < u.length(); i++) {
      char c = u.charAt(i);
      sb.append((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c : '_');
    }
    return sb.toString();
  }

  /** Applies {@code settings} over what the code set: the settings win. */
  static void apply(Settings settings, ShardedDataSource.Builder<?> b) {
    Settings s = view(settings);
    Optional<String> urls = s.get(URLS);
    if (urls.isPresent()) {
      b.shards.clear();
      b.shards.addAll(shards(s, urls.get()));
    } else if (s.contains(NAMES)) {
      throw s.invalid(
          NAMES, s.getString(NAMES, ""), "names shards, but " + s.fullKey(URLS) + " is not set");
    }
    s.override(MAX_CONNECTIONS, Settings.INT, b::maxConnections);
    s.override(CONNECTION_TIMEOUT, Settings.DURATION, b::connectionTimeout);
    s.override(QUERY_TIMEOUT, Settings.DURATION, b::queryTimeout);
    s.override(FANOUT_TIMEOUT, Settings.DURATION, b::fanOutTimeout);
    s.override(READ_YOUR_WRITES_WINDOW, Settings.DURATION, b::readYourWritesWindow);
    s.override(REPLICA_SELECTION, Settings.enumOf(ReplicaSelection.class), b::replicaSelection);
  }

  private static List<ShardSpec> shards(Settings s, String raw) {
    String[] groups = raw.split(",", -1);
    List<String> names = names(s, groups.length);
    String user = s.get(USER).orElse(null);
    String password = s.get(PASSWORD).orElse(null);
    String replicaUser = s.get(REPLICA_USER).orElse(user);
    String replicaPassword = s.get(REPLICA_PASSWORD).orElse(password);
    List<ShardSpec> specs = new ArrayList<>();
    for (int i = 0; i < groups.length; i++) {
      String name = names.get(i);
      String[] urls = groups[i].split("\\|", -1);
      Endpoint primary = endpoint(s, raw, name, "primary", urls[0], user, password);
      List<Endpoint> replicas = new ArrayList<>();
      for (int r = 1; r < urls.length; r++) {
        replicas.add(
            endpoint(s, raw, name, "replica " + (r - 1), urls[r], replicaUser, replicaPassword));
      }
      specs.add(new ShardSpec(name, primary, replicas));
    }
    return specs;
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
      String name = n.trim();
      s.apply(NAMES, () -> Settings.checkName(name));
      if (names.contains(name)) {
        throw s.invalid(NAMES, raw, "duplicate shard name: '" + name + "'");
      }
      names.add(name);
    }
    if (names.size() != count) {
      throw s.invalid(
          NAMES,
          raw,
          "names " + names.size() + " shards but " + s.fullKey(URLS) + " lists " + count);
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
          URLS,
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
