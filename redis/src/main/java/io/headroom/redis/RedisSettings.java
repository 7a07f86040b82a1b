package io.headroom.redis;

import io.headroom.core.Checks;
import io.headroom.core.Settings;
import io.headroom.core.SettingsException;
import io.headroom.core.internal.Redaction;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How to reach Redis, with fail-fast defaults: Lettuce's own defaults (a 60 s timeout, an unbounded
 * queue, commands buffered while disconnected) turn an outage into hung callers.
 *
 * <table>
 *   <caption>Settings read by {@link #from(Settings)}</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code HEADROOM_REDIS_URL}</td><td>{@code redis://127.0.0.1:6379}</td>
 *       <td>{@code redis://[user:pass@]host:port[/db]}, {@code rediss://} (TLS),
 *       {@code redis-sentinel://h1:26379,h2:26379[/db]#primaryName}, a comma-separated seed list
 *       or {@code redis-cluster://h1:p1,h2:p2} for Cluster</td></tr>
 *   <tr><td>{@code HEADROOM_REDIS_COMMAND_TIMEOUT}</td><td>{@code 500ms}</td>
 *       <td>every command fails after this</td></tr>
 *   <tr><td>{@code HEADROOM_REDIS_CONNECT_TIMEOUT}</td><td>{@code 1s}</td>
 *       <td>TCP connect bound</td></tr>
 *   <tr><td>{@code HEADROOM_REDIS_REQUEST_QUEUE_SIZE}</td><td>{@code 10000}</td>
 *       <td>commands waiting per connection before new ones are rejected</td></tr>
 *   <tr><td>{@code HEADROOM_REDIS_RECONNECT_DELAY_MAX}</td><td>{@code 2s}</td>
 *       <td>cap of the exponential reconnect backoff</td></tr>
 *   <tr><td>{@code HEADROOM_REDIS_TOPOLOGY_REFRESH}</td><td>{@code 30s}</td>
 *       <td>Cluster topology refresh period (adaptive refresh is always on)</td></tr>
 *   <tr><td>{@code HEADROOM_REDIS_CLIENT_NAME}</td><td>none</td>
 *       <td>{@code CLIENT SETNAME}, shown in {@code CLIENT LIST}</td></tr>
 * </table>
 *
 * <pre>{@code
 * RedisSettings s = RedisSettings.builder().uri("redis://:secret@cache:6379/0").build();
 * s.toString();   // RedisSettings{uri=redis://:***@cache:6379/0, mode=STANDALONE, ...}
 * }</pre>
 *
 * <p>Immutable and thread-safe. The password never appears in {@link #toString()} or in any
 * message.
 */
public final class RedisSettings {
  /** The URI used when none is given. */
  public static final String DEFAULT_URI = "redis://127.0.0.1:6379";

  private final String uri;
  private final RedisMode mode;
  private final List<String> endpoints;
  private final Duration commandTimeout;
  private final Duration connectTimeout;
  private final int requestQueueSize;
  private final Duration reconnectDelayMax;
  private final Duration topologyRefresh;
  private final @Nullable String clientName;

  private RedisSettings(Builder b) {
    this.uri = b.uri;
    this.commandTimeout = b.commandTimeout;
    this.connectTimeout = b.connectTimeout;
    this.requestQueueSize = b.requestQueueSize;
    this.reconnectDelayMax = b.reconnectDelayMax;
    this.topologyRefresh = b.topologyRefresh;
    this.clientName = b.clientName;
    Parsed p = parse(b.uri, b.uriKey);
    this.mode = p.mode;
    this.endpoints = p.endpoints;
  }

  /** A builder with the fail-fast defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Settings for {@code uri} with every other value at its default. */
  public static RedisSettings of(String uri) {
    return builder().uri(uri).build();
  }

  /**
   * Reads the {@code HEADROOM_REDIS_*} keys (see the table above; {@link Settings#forModule
   * forModule("redis")}) relative to {@code settings}'s prefix; absent keys keep their defaults.
   *
   * @throws SettingsException naming the key and the (masked) value when one is malformed
   */
  public static RedisSettings from(Settings settings) {
    Settings s = Checks.notNull(settings, "settings").forModule("redis");
    Builder b = builder();
    b.uriKey = s.fullKey("URL");
    s.override("URL", Settings.STRING, b::uri);
    s.override("COMMAND_TIMEOUT", Settings.POSITIVE_DURATION, b::commandTimeout);
    s.override("CONNECT_TIMEOUT", Settings.POSITIVE_DURATION, b::connectTimeout);
    s.override("REQUEST_QUEUE_SIZE", Settings.POSITIVE_INT, b::requestQueueSize);
    s.override("RECONNECT_DELAY_MAX", Settings.POSITIVE_DURATION, b::reconnectDelayMax);
    s.override("TOPOLOGY_REFRESH", Settings.POSITIVE_DURATION, b::topologyRefresh);
    s.override("CLIENT_NAME", Settings.STRING, b::clientName);
    return b.build();
  }

  /** A builder that starts from these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.uri = uri;
    b.commandTimeout = commandTimeout;
    b.connectTimeout = connectTimeout;
    b.requestQueueSize = requestQueueSize;
    b.reconnectDelayMax = reconnectDelayMax;
    b.topologyRefresh = topologyRefresh;
    b.clientName = clientName;
    return b;
  }

  /** The URI as given, password included: never print it; use {@link #maskedUri()}. */
  public String uri() {
    return uri;
  }

  /** The URI with any password replaced by {@code ***}. */
  public String maskedUri() {
    return Redaction.maskUri(uri);
  }

  /** Standalone, Sentinel or Cluster, from the URI. */
  public RedisMode mode() {
    return mode;
  }

  /**
   * The normalised per-node URIs: one for standalone and Sentinel, one per seed for Cluster, each
   * with the scheme {@code redis://}, {@code rediss://} or {@code redis-sentinel://}. Contains
   * credentials.
   */
  public List<String> endpoints() {
    return endpoints;
  }

  /** How long any command may take before it fails with {@link RedisTimeoutException}. */
  public Duration commandTimeout() {
    return commandTimeout;
  }

  /** How long a TCP connect may take. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** How many commands may wait on a connection before new ones are rejected. */
  public int requestQueueSize() {
    return requestQueueSize;
  }

  /** The cap of the exponential reconnect backoff. */
  public Duration reconnectDelayMax() {
    return reconnectDelayMax;
  }

  /** The Cluster topology refresh period. */
  public Duration topologyRefresh() {
    return topologyRefresh;
  }

  /** The name sent with {@code CLIENT SETNAME}, if any. */
  public Optional<String> clientName() {
    return Optional.ofNullable(clientName);
  }

  @Override
  public String toString() {
    return "RedisSettings{uri="
        + maskedUri()
        + ", mode="
        + mode
        + ", commandTimeout="
        + commandTimeout
        + ", connectTimeout="
        + connectTimeout
        + ", requestQueueSize="
        + requestQueueSize
        + ", reconnectDelayMax="
        + reconnectDelayMax
        + (mode == RedisMode.CLUSTER ? ", topologyRefresh=" + topologyRefresh : "")
        + (clientName == null ? "" : ", clientName=" + clientName)
        + "}";
  }

  private record Parsed(RedisMode mode, List<String> endpoints) {}

  private static Parsed parse(String raw, String key) {
    String masked = Redaction.maskUri(raw);
    String s = raw.trim();
    int schemeEnd = s.indexOf("://");
    String scheme = schemeEnd < 0 ? "redis" : s.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
    String rest = schemeEnd < 0 ? s : s.substring(schemeEnd + 3);
    switch (scheme) {
      case "redis", "rediss" -> {
        if (rest.contains(",")) {
          return cluster(scheme, s, key, masked);
        }
        return new Parsed(RedisMode.STANDALONE, List.of(single(scheme, rest, key, masked, true)));
      }
      case "redis-cluster", "rediss-cluster" -> {
        return cluster(scheme.replace("-cluster", ""), rest, key, masked);
      }
      case "redis-sentinel", "rediss-sentinel" -> {
        int hash = rest.indexOf('#');
        if (hash < 0 || hash == rest.length() - 1) {
          throw new SettingsException(
              key,
              masked,
              "a Sentinel URI names its primary after '#', e.g."
                  + " redis-sentinel://h1:26379,h2:26379#mymaster");
        }
        String hosts = rest.substring(0, hash);
        int slash = hosts.indexOf('/');
        String hostList = slash < 0 ? hosts : hosts.substring(0, slash);
        for (String h : hostList.split(",", -1)) {
          String hostPort = h.contains("@") ? h.substring(h.lastIndexOf('@') + 1) : h;
          single("redis", hostPort, key, masked, false);
        }
        return new Parsed(RedisMode.SENTINEL, List.of(s));
      }
      default ->
          throw new SettingsException(
              key,
              masked,
              "unknown scheme '"
                  + scheme
                  + "': use redis://, rediss://, redis-sentinel:// or redis-cluster://");
    }
  }

  private static Parsed cluster(String scheme, String list, String key, String masked) {
    List<String> out = new ArrayList<>();
    String userInfo = null;
    for (String part : list.split(",", -1)) {
      String p = part.trim();
      if (p.isEmpty()) {
        throw new SettingsException(key, masked, "empty entry in the Cluster seed list");
      }
      String partScheme = scheme;
      int i = p.indexOf("://");
      if (i >= 0) {
        partScheme = p.substring(0, i).toLowerCase(Locale.ROOT).replace("-cluster", "");
        p = p.substring(i + 3);
      }
      if (!partScheme.equals("redis") && !partScheme.equals("rediss")) {
        throw new SettingsException(
            key, masked, "Cluster seeds must use redis:// or rediss://, not " + partScheme);
      }
      int at = p.lastIndexOf('@');
      if (at >= 0) {
        userInfo = userInfo == null ? p.substring(0, at) : userInfo;
      } else if (userInfo != null) {
        p = userInfo + "@" + p;
      }
      String node = single(partScheme, p, key, masked, false);
      if (URI.create(node).getPath().length() > 1) {
        throw new SettingsException(key, masked, "Redis Cluster has only database 0");
      }
      out.add(node);
    }
    return new Parsed(RedisMode.CLUSTER, List.copyOf(out));
  }

  private static String single(
      String scheme, String rest, String key, String masked, boolean allowDb) {
    URI u;
    try {
      u = new URI(scheme + "://" + rest);
    } catch (URISyntaxException e) {
      throw new SettingsException(key, masked, "not a valid URI");
    }
    if (u.getHost() == null || u.getHost().isBlank()) {
      throw new SettingsException(key, masked, "no host");
    }
    if (u.getPort() != -1 && (u.getPort() < 1 || u.getPort() > 65535)) {
      throw new SettingsException(key, masked, "port must be in [1, 65535]");
    }
    String path = u.getPath() == null ? "" : u.getPath();
    if (path.length() > 1) {
      String db = path.substring(1);
      int n;
      try {
        n = Integer.parseInt(db);
      } catch (NumberFormatException e) {
        throw new SettingsException(key, masked, "database must be a number, not '" + db + "'");
      }
      if (n < 0) {
        throw new SettingsException(key, masked, "database must be >= 0");
      }
      if (!allowDb && n != 0) {
        throw new SettingsException(key, masked, "Redis Cluster has only database 0");
      }
    }
    String withPort =
        u.getPort() == -1 ? rest.replaceFirst("^([^/]*@)?([^/:]+)", "$1$2:6379") : rest;
    return scheme + "://" + withPort;
  }

  /** Builds {@link RedisSettings}; setters reject bad values at once. Not thread-safe. */
  public static final class Builder {
    private String uri = DEFAULT_URI;
    private String uriKey = "uri";
    private Duration commandTimeout = Duration.ofMillis(500);
    private Duration connectTimeout = Duration.ofSeconds(1);
    private int requestQueueSize = 10_000;
    private Duration reconnectDelayMax = Duration.ofSeconds(2);
    private Duration topologyRefresh = Duration.ofSeconds(30);
    private @Nullable String clientName;

    private Builder() {}

    /**
     * Where Redis is; see the class javadoc for the accepted forms.
     *
     * @throws IllegalArgumentException if blank
     */
    public Builder uri(String uri) {
      this.uri = Checks.notBlank(uri, "uri").trim();
      return this;
    }

    /**
     * The timeout of every command (default 500 ms).
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder commandTimeout(Duration commandTimeout) {
      this.commandTimeout = Checks.positive(commandTimeout, "commandTimeout");
      return this;
    }

    /**
     * The TCP connect timeout (default 1 s).
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = Checks.positive(connectTimeout, "connectTimeout");
      return this;
    }

    /**
     * Commands that may wait on one connection (default 10 000); more are rejected.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder requestQueueSize(int requestQueueSize) {
      this.requestQueueSize = Checks.positive(requestQueueSize, "requestQueueSize");
      return this;
    }

    /**
     * The cap of the reconnect backoff (default 2 s).
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder reconnectDelayMax(Duration reconnectDelayMax) {
      this.reconnectDelayMax = Checks.positive(reconnectDelayMax, "reconnectDelayMax");
      return this;
    }

    /**
     * The periodic Cluster topology refresh (default 30 s).
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder topologyRefresh(Duration topologyRefresh) {
      this.topologyRefresh = Checks.positive(topologyRefresh, "topologyRefresh");
      return this;
    }

    /**
     * The connection name shown by {@code CLIENT LIST}.
     *
     * @throws IllegalArgumentException if blank
     */
    public Builder clientName(String clientName) {
      this.clientName = Checks.notBlank(clientName, "clientName");
      return this;
    }

    /**
     * Builds the settings.
     *
     * @throws SettingsException naming the URI (masked) when it cannot be used
     */
    public RedisSettings build() {
      return new RedisSettings(this);
    }
  }
}
