package io.headroom.sharding;

import io.headroom.breaker.BreakerRegistry;
import io.headroom.core.Checks;
import io.headroom.core.Settings;
import io.headroom.core.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Sharded JDBC access: a HikariCP pool per primary and per replica of every shard, sized from one
 * global connection budget, with keys routed by a {@link ShardRouter} and a versioned {@link
 * Topology}.
 *
 * <pre>{@code
 * ShardedDataSource<String> shards =
 *     ShardedDataSource.builder(ShardRouter.jump(1024, KeyHasher.strings()))
 *         .settings(Settings.fromEnvironment())   // HEADROOM_SHARDING_URLS=p1|r1a|r1b,p2|r2a ...
 *         .meterRegistry(meters)
 *         .build();
 * shards.forKey(code).write(c -> insert(c, code, url));
 * String url = shards.forKey(code).read(c -> find(c, code));
 * }</pre>
 *
 * <h2>Failure behaviour</h2>
 *
 * Every pool has a {@link io.headroom.breaker.BreakerPreset#DATABASE} breaker named {@code
 * sharding-<name>-<shard>-primary} or {@code sharding-<name>-<shard>-replica-<i>}; SQL errors that
 * the breaker counts as answers (SQLState classes 22, 23, 42) are thrown as {@link
 * ShardSqlException} and never trip it or move a read. A failing or slow replica trips its breaker
 * and reads fall back to the primary until the breaker's trial calls succeed again. A shard whose
 * primary is down fails fast with {@link ShardUnavailableException} naming it; other shards keep
 * working. Every call is bounded: the connection timeout bounds waiting for a connection, a
 * server-side statement timeout (PostgreSQL, H2) and the JDBC network timeout bound queries, and
 * {@link #forAll} has its own deadline.
 *
 * <p>Thread-safe. Close it to close every pool.
 *
 * @param <K> the key type
 */
public interface ShardedDataSource<K> extends AutoCloseable {

  /**
   * Starts a builder that routes keys with {@code router}.
   *
   * @throws NullPointerException if {@code router} is null
   */
  static <K> Builder<K> builder(ShardRouter<K> router) {
    return new Builder<>(Checks.notNull(router, "router"));
  }

  /**
   * The shard that owns {@code key} under the current topology.
   *
   * @throws NullPointerException if {@code key} is null
   */
  ShardAccess forKey(K key);

  /**
   * The shard that owns {@code key}, with reads after any write made through {@code token} to the
   * same shard going to the primary for the read-your-writes window.
   *
   * @throws NullPointerException if an argument is null
   */
  ShardAccess forKey(K key, ConsistencyToken token);

  /**
   * The shard named {@code name}, for work that is not about one key (migrations, maintenance).
   *
   * @throws IllegalArgumentException if no shard has that name
   */
  ShardAccess shard(String name);

  /**
   * Runs {@code work} on every shard in parallel (on the primaries, or with the read rules of
   * {@link ShardAccess#read(SqlWork)} for {@link Role#REPLICA}) and waits at most the fan-out
   * timeout.
   *
   * @return each shard's result, by shard name in configuration order
   * @throws FanOutException if any shard failed or did not answer in time; it carries the answers
   *     that did come
   */
  <T> Map<String, T> forAll(Role role, SqlWork<T> work);

  /** The names of the configured shards, in configuration order. */
  List<String> shardNames();

  /** The topology keys are routed by now. */
  Topology topology();

  /** The router. */
  ShardRouter<K> router();

  /**
   * Routes by {@code next} from now on, typically the last step of a {@link ShardMigration}.
   *
   * @throws IllegalArgumentException if {@code next} has a different bucket count from the router,
   *     names an unknown shard, or does not have a higher version than the current topology
   */
  void switchTopology(Topology next);

  /** Closes every pool and the fan-out threads. */
  @Override
  void close();

  /**
   * Configures a {@link ShardedDataSource}. Setting names are in the module README; {@link
   * #settings(Settings)} supplies them and they win over the setters, in any call order.
   *
   * @param <K> the key type
   */
  final class Builder<K> {
    final ShardRouter<K> router;
    String name = "db";
    final List<ShardSpec> shards = new ArrayList<>();
    @Nullable Topology topology;
    int maxConnections = 40;
    Duration connectionTimeout = Duration.ofSeconds(2);
    Duration queryTimeout = Duration.ofSeconds(5);
    Duration fanOutTimeout = Duration.ofSeconds(10);
    Duration readYourWritesWindow = Duration.ofSeconds(2);
    ReplicaSelection replicaSelection = ReplicaSelection.ROUND_ROBIN;
    Ticker ticker = Ticker.system();
    @Nullable Settings settings;
    @Nullable MeterRegistry meterRegistry;
    @Nullable BreakerRegistry breakerRegistry;

    Builder(ShardRouter<K> router) {
      this.router = router;
    }

    private Builder<K> copy() {
      Builder<K> b = new Builder<>(router);
      b.name = name;
      b.shards.addAll(shards);
      b.topology = topology;
      b.maxConnections = maxConnections;
      b.connectionTimeout = connectionTimeout;
      b.queryTimeout = queryTimeout;
      b.fanOutTimeout = fanOutTimeout;
      b.readYourWritesWindow = readYourWritesWindow;
      b.replicaSelection = replicaSelection;
      b.ticker = ticker;
      b.settings = settings;
      b.meterRegistry = meterRegistry;
      b.breakerRegistry = breakerRegistry;
      return b;
    }

    /**
     * The data source's name: the {@code name} tag of its meters and the first part of its pool and
     * breaker names ({@code <name>-<shard>-primary}, {@code <name>-<shard>-replica-<i>}); default
     * {@code db}.
     *
     * @throws IllegalArgumentException if {@code name} breaks the naming rule of {@link
     *     Settings#checkName(String)}
     */
    public Builder<K> name(String name) {
      this.name = Settings.checkName(name);
      return this;
    }

    /**
     * Settings that win over the setters, applied by {@link #build()} whatever the order of the
     * calls (a later call replaces the settings given earlier). Keys: {@code
     * HEADROOM_SHARDING_URLS} ({@code primary|replica|replica,primary|replica}: when set, these
     * shards replace those added with {@link #shard}), {@code HEADROOM_SHARDING_NAMES}, {@code
     * HEADROOM_SHARDING_USER}, {@code HEADROOM_SHARDING_PASSWORD}, {@code
     * HEADROOM_SHARDING_REPLICA_USER}, {@code HEADROOM_SHARDING_REPLICA_PASSWORD}, {@code
     * HEADROOM_SHARDING_MAX_CONNECTIONS}, {@code HEADROOM_SHARDING_CONNECTION_TIMEOUT}, {@code
     * HEADROOM_SHARDING_QUERY_TIMEOUT}, {@code HEADROOM_SHARDING_FANOUT_TIMEOUT}, {@code
     * HEADROOM_SHARDING_READ_YOUR_WRITES_WINDOW} and {@code HEADROOM_SHARDING_REPLICA_SELECTION};
     * the {@code HEADROOM_SHARDS*} names of the previous release are still read, with a deprecation
     * warning. The same settings reach the pools' default breakers ({@code
     * HEADROOM_BREAKER_SHARDING_DB_SHARD0_PRIMARY_*}).
     *
     * @throws NullPointerException if {@code settings} is null
     */
    public Builder<K> settings(Settings settings) {
      this.settings = Checks.notNull(settings, "settings");
      return this;
    }

    /**
     * Adds a shard.
     *
     * @throws IllegalArgumentException if a shard with that name was already added
     */
    public Builder<K> shard(ShardSpec shard) {
      Checks.notNull(shard, "shard");
      for (ShardSpec s : shards) {
        Checks.argument(!s.name().equals(shard.name()), "duplicate shard name: '%s'", s.name());
      }
      shards.add(shard);
      return this;
    }

    /**
     * Adds a shard with a primary and replicas.
     *
     * @throws IllegalArgumentException if a shard with that name was already added, or the name
     *     breaks the naming rule of {@link Settings#checkName(String)}
     */
    public Builder<K> shard(String name, Endpoint primary, Endpoint... replicas) {
      return shard(new ShardSpec(name, primary, List.of(replicas)));
    }

    /**
     * The initial topology; by default {@link Topology#uniform} version 1 over the router's buckets
     * and the shards in the order added.
     */
    public Builder<K> topology(Topology topology) {
      this.topology = Checks.notNull(topology, "topology");
      return this;
    }

    /**
     * The global connection budget shared by every pool: each of the {@code P} pools (primaries and
     * replicas) gets {@code budget / P}, primaries taking the remainder. Default 40.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder<K> maxConnections(int budget) {
      this.maxConnections = Checks.positive(budget, "maxConnections");
      return this;
    }

    /**
     * How long a call waits for a pooled connection (HikariCP {@code connectionTimeout}); default
     * 2s, at least 250ms.
     *
     * @throws IllegalArgumentException if below 250ms
     */
    public Builder<K> connectionTimeout(Duration timeout) {
      Checks.argument(
          Checks.notNull(timeout, "connectionTimeout").toMillis() >= 250,
          "connectionTimeout must be >= 250ms (HikariCP minimum): %s",
          timeout);
      this.connectionTimeout = timeout;
      return this;
    }

    /**
     * The statement timeout set on every connection (server side for PostgreSQL and H2; the JDBC
     * network timeout is this plus one second); default 5s.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder<K> queryTimeout(Duration timeout) {
      this.queryTimeout = Checks.positive(timeout, "queryTimeout");
      return this;
    }

    /**
     * How long {@link ShardedDataSource#forAll} waits for every shard; default 10s.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder<K> fanOutTimeout(Duration timeout) {
      this.fanOutTimeout = Checks.positive(timeout, "fanOutTimeout");
      return this;
    }

    /**
     * How long after a write reads of the same key (or token and shard) go to the primary; default
     * 2s, {@code 0} to disable. Size it above the replicas' usual lag.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder<K> readYourWritesWindow(Duration window) {
      this.readYourWritesWindow = Checks.notNegative(window, "readYourWritesWindow");
      return this;
    }

    /** How reads choose among healthy replicas; default round robin. */
    public Builder<K> replicaSelection(ReplicaSelection selection) {
      this.replicaSelection = Checks.notNull(selection, "replicaSelection");
      return this;
    }

    /** The time source for the read-your-writes window and the breakers; default system. */
    public Builder<K> ticker(Ticker ticker) {
      this.ticker = Checks.notNull(ticker, "ticker");
      return this;
    }

    /**
     * Where the meters go: HikariCP's own {@code hikaricp.connections.*} per pool, routed queries,
     * replica fallbacks, skew and the topology version. Without one, nothing is recorded.
     */
    public Builder<K> meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Checks.notNull(registry, "meterRegistry");
      return this;
    }

    /**
     * The registry the pools' breakers come from, as {@code sharding-<pool>} with the {@link
     * io.headroom.breaker.BreakerPreset#DATABASE} preset (so {@code BreakerRegistry.snapshots()}
     * and health checks see them). Without one, each pool gets {@link
     * io.headroom.breaker.Breaker#forComponent} with this builder's settings, meter registry and
     * ticker.
     */
    public Builder<K> breakerRegistry(BreakerRegistry registry) {
      this.breakerRegistry = Checks.notNull(registry, "breakerRegistry");
      return this;
    }

    /**
     * Applies the settings, validates every URL (a JDBC driver must accept it), sizes the pools and
     * creates them. Pools connect lazily, so a database that is down at start-up does not fail the
     * build.
     *
     * @throws io.headroom.core.SettingsException naming the key and the value (passwords masked) if
     *     a setting is malformed or out of range
     * @throws IllegalStateException if no shard is configured, the budget is smaller than the
     *     number of pools, or the topology does not fit the router and shards
     * @throws IllegalArgumentException naming the shard and the masked URL if no driver accepts a
     *     URL
     */
    public ShardedDataSource<K> build() {
      Builder<K> b = copy();
      if (settings != null) {
        ShardSettings.apply(settings, b);
      }
      return new DefaultShardedDataSource<>(b);
    }
  }
}
