package io.headroom.sharding;

import io.headroom.breaker.Breaker;
import io.headroom.breaker.BreakerPreset;
import io.headroom.core.Checks;
import io.headroom.core.MeterConventions;
import io.headroom.core.Settings;
import io.headroom.core.Ticker;
import io.headroom.sharding.internal.Routing;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

final class DefaultShardedDataSource<K> implements ShardedDataSource<K> {
  private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(ShardedDataSource.class);

  /** Slots of the recent-writes table; a collision only sends a read to the primary. */
  static final int WRITE_SLOTS = 4096;

  private static final long NEVER = Long.MIN_VALUE;

  /** The topology and, per topology shard index, the shard it names. */
  private static final class Route {
    final Topology topology;
    final Shard[] shards;

    Route(Topology topology, Shard[] shards) {
      this.topology = topology;
      this.shards = shards;
    }
  }

  private final String name;
  private final ShardRouter<K> router;
  private final List<Shard> shards;
  private final Map<String, Shard> byName;
  private final Ticker ticker;
  private final long windowNanos;
  private final AtomicLongArray recentWrites = new AtomicLongArray(WRITE_SLOTS);
  private final Duration fanOutTimeout;
  private final ExecutorService fanOut;
  private volatile Route route;

  DefaultShardedDataSource(ShardedDataSource.Builder<K> b) {
    Checks.state(
        !b.shards.isEmpty(), "no shard configured (set HEADROOM_SHARDING_URLS or call shard())");
    this.name = b.name;
    this.router = b.router;
    this.ticker = b.ticker;
    this.windowNanos = b.readYourWritesWindow.toNanos();
    this.fanOutTimeout = b.fanOutTimeout;
    for (int i = 0; i < WRITE_SLOTS; i++) {
      recentWrites.set(i, NEVER);
    }
    MeterRegistry meters = b.meterRegistry;

    // Validate every URL before opening anything.
    for (ShardSpec s : b.shards) {
      check(s.name(), "primary", s.primary());
      for (int r = 0; r < s.replicas().size(); r++) {
        check(s.name(), "replica " + r, s.replicas().get(r));
      }
    }

    // Split the budget.
    int pools = 0;
    for (ShardSpec s : b.shards) {
      pools += 1 + s.replicas().size();
    }
    Checks.state(
        b.maxConnections >= pools,
        "maxConnections (%s) must be at least the number of pools (%s: one per primary and"
            + " replica)",
        b.maxConnections,
        pools);
    int each = b.maxConnections / pools;
    int extra = b.maxConnections % pools;

    List<Shard> built = new ArrayList<>();
    try {
      for (ShardSpec s : b.shards) {
        int primarySize = each + (extra > 0 ? 1 : 0);
        extra = Math.max(0, extra - 1);
        Pool primary = pool(b, s.name(), Role.PRIMARY, 0, s.primary(), primarySize);
        Pool[] replicas = new Pool[s.replicas().size()];
        for (int r = 0; r < replicas.length; r++) {
          replicas[r] = pool(b, s.name(), Role.REPLICA, r, s.replicas().get(r), each);
        }
        built.add(
            new Shard(
                name,
                s.name(),
                primary,
                replicas,
                b.replicaSelection,
                b.connectionTimeout,
                meters));
      }
    } catch (RuntimeException e) {
      built.forEach(Shard::close);
      throw e;
    }
    this.shards = List.copyOf(built);
    Map<String, Shard> names = new LinkedHashMap<>();
    for (Shard s : shards) {
      names.put(s.name, s);
    }
    this.byName = Collections.unmodifiableMap(names);
    Topology t =
        b.topology != null
            ? b.topology
            : Topology.uniform(1, router.bucketCount(), List.copyOf(byName.keySet()));
    try {
      this.route = route(t);
    } catch (IllegalArgumentException e) {
      shards.forEach(Shard::close);
      throw new IllegalStateException(e.getMessage(), e);
    }
    AtomicInteger threads = new AtomicInteger();
    ThreadFactory tf =
        r -> {
          Thread th = new Thread(r, "headroom-sharding-fanout-" + threads.incrementAndGet());
          th.setDaemon(true);
          return th;
        };
    this.fanOut = Executors.newCachedThreadPool(tf);
    if (meters != null) {
      Gauge.builder("sharding.skew", this, DefaultShardedDataSource::skew)
          .tags(MeterConventions.nameTag(name))
          .description("Busiest shard's routed calls divided by the mean (1 = even, 0 = no calls)")
          .register(meters);
      Gauge.builder("sharding.topology.version", this, d -> d.route.topology.version())
          .tags(MeterConventions.nameTag(name))
          .description("Version of the topology keys are routed by")
          .register(meters);
    }
    LOG.info("Sharded data source '{}': {} shards {}, {}", name, shards.size(), shards, t);
  }

  private static void check(String shard, String role, Endpoint e) {
    String problem = ShardSettings.problem(e.jdbcUrl());
    if (problem != null) {
      throw new IllegalArgumentException(
          "shard '" + shard + "' " + role + ": " + problem + ": '" + e.maskedUrl() + "'");
    }
  }

  /**
   * The pool of one primary or replica, named {@code <data source>-<shard>-primary} or {@code <data
   * source>-<shard>-replica-<i>}, with its breaker {@code sharding-<pool>}.
   */
  private static Pool pool(
      ShardedDataSource.Builder<?> b,
      String shard,
      Role role,
      int replica,
      Endpoint endpoint,
      int size) {
    String pool =
        b.name + "-" + shard + (role == Role.PRIMARY ? "-primary" : "-replica-" + replica);
    Breaker breaker;
    if (b.breakerRegistry != null) {
      breaker =
          b.breakerRegistry.breaker(ShardSettings.MODULE + "-" + pool, BreakerPreset.DATABASE);
    } else {
      Settings settings = b.settings != null ? b.settings : Settings.empty();
      breaker =
          Breaker.forComponent(
              ShardSettings.MODULE,
              pool,
              BreakerPreset.DATABASE,
              ShardSettings.withOldBreakerKeys(
                  settings, ShardSettings.MODULE + "-" + pool, shard, role, replica),
              b.meterRegistry,
              b.ticker);
    }
    return new Pool(
        shard,
        role,
        pool,
        endpoint,
        size,
        b.connectionTimeout,
        b.queryTimeout,
        breaker,
        b.meterRegistry);
  }

  private Route route(Topology t) {
    Checks.argument(
        t.bucketCount() == router.bucketCount(),
        "topology has %s buckets but the router has %s",
        t.bucketCount(),
        router.bucketCount());
    Shard[] byIndex = new Shard[t.shards().size()];
    for (int i = 0; i < byIndex.length; i++) {
      Shard s = byName.get(t.shards().get(i));
      if (s == null) {
        throw new IllegalArgumentException(
            "topology names shard '"
                + t.shards().get(i)
                + "', which is not configured (shards "
                + byName.keySet()
                + ")");
      }
      byIndex[i] = s;
    }
    return new Route(t, byIndex);
  }

  double skew() {
    long max = 0;
    long sum = 0;
    for (Shard s : shards) {
      long n = s.routed.sum();
      max = Math.max(max, n);
      sum += n;
    }
    return sum == 0 ? 0 : (double) max * shards.size() / sum;
  }

  // ---- routing ----

  @Override
  public ShardAccess forKey(K key) {
    Checks.notNull(key, "key");
    Route r = route;
    int bucket = router.bucket(key);
    return new Access(r.shards[r.topology.shardIndexOf(bucket)], slot(key), null);
  }

  @Override
  public ShardAccess forKey(K key, ConsistencyToken token) {
    Checks.notNull(key, "key");
    Checks.notNull(token, "token");
    Route r = route;
    int bucket = router.bucket(key);
    return new Access(r.shards[r.topology.shardIndexOf(bucket)], slot(key), token);
  }

  @Override
  public ShardAccess shard(String name) {
    Shard s = byName.get(Checks.notNull(name, "name"));
    if (s == null) {
      throw new IllegalArgumentException(
          "unknown shard: '" + name + "' (shards " + byName.keySet() + ")");
    }
    return new Access(s, -1, null);
  }

  private static int slot(Object key) {
    return (int) Routing.mix64(key.hashCode()) & (WRITE_SLOTS - 1);
  }

  @Override
  public <T> Map<String, T> forAll(Role role, SqlWork<T> work) {
    Checks.notNull(role, "role");
    Checks.notNull(work, "work");
    Map<String, Future<T>> futures = new LinkedHashMap<>();
    for (Shard s : shards) {
      futures.put(
          s.name,
          fanOut.submit(() -> role == Role.PRIMARY ? s.onPrimary(work) : s.read(work, false)));
    }
    // A real wait on real threads: the deadline is wall time, whatever ticker the breakers use.
    Ticker clock = Ticker.system();
    long deadline = clock.read() + fanOutTimeout.toNanos();
    Map<String, T> results = new LinkedHashMap<>();
    Map<String, Throwable> failures = new LinkedHashMap<>();
    for (Map.Entry<String, Future<T>> e : futures.entrySet()) {
      Future<T> f = e.getValue();
      try {
        long left = Math.max(0, deadline - clock.read());
        results.put(e.getKey(), f.get(left, TimeUnit.NANOSECONDS));
      } catch (ExecutionException ex) {
        failures.put(e.getKey(), ex.getCause() != null ? ex.getCause() : ex);
      } catch (TimeoutException ex) {
        f.cancel(true);
        failures.put(
            e.getKey(),
            new TimeoutException(
                "shard '" + e.getKey() + "' did not answer within " + fanOutTimeout));
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        futures.values().forEach(x -> x.cancel(true));
        failures.put(e.getKey(), ex);
        break;
      }
    }
    if (!failures.isEmpty()) {
      throw new FanOutException(new LinkedHashMap<>(results), failures);
    }
    return Collections.unmodifiableMap(results);
  }

  @Override
  public List<String> shardNames() {
    return List.copyOf(byName.keySet());
  }

  @Override
  public Topology topology() {
    return route.topology;
  }

  @Override
  public ShardRouter<K> router() {
    return router;
  }

  @Override
  public synchronized void switchTopology(Topology next) {
    Checks.notNull(next, "next");
    Topology current = route.topology;
    Checks.argument(
        next.version() > current.version(),
        "the new topology must have a higher version: %s -> %s",
        current.version(),
        next.version());
    this.route = route(next);
    LOG.info("Switched topology v{} -> v{}: {}", current.version(), next.version(), next);
  }

  @Override
  public void close() {
    fanOut.shutdownNow();
    Set<Shard> closed = new HashSet<>();
    for (Shard s : shards) {
      if (closed.add(s)) {
        s.close();
      }
    }
  }

  @Override
  public String toString() {
    return "ShardedDataSource{" + router + ", " + route.topology + "}";
  }

  // ---- per-call access ----

  private final class Access implements ShardAccess {
    private final Shard shard;
    private final int slot;
    private final @Nullable ConsistencyToken token;

    Access(Shard shard, int slot, @Nullable ConsistencyToken token) {
      this.shard = shard;
      this.slot = slot;
      this.token = token;
    }

    @Override
    public String shard() {
      return shard.name;
    }

    private void markWrite() {
      long now = ticker.read();
      if (slot >= 0) {
        recentWrites.set(slot, now);
      }
      if (token != null) {
        token.recordWrite(shard.name, now);
      }
    }

    private boolean primaryOnly() {
      if (windowNanos == 0) {
        return false;
      }
      long now = ticker.read();
      if (slot >= 0) {
        long t = recentWrites.get(slot);
        if (t != NEVER && now - t < windowNanos) {
          return true;
        }
      }
      return token != null && token.wroteWithin(shard.name, now, windowNanos);
    }

    @Override
    public <T> T write(SqlWork<T> work) {
      Checks.notNull(work, "work");
      markWrite();
      try {
        return shard.onPrimary(work);
      } finally {
        // The window counts from the end of the write, when it is committed.
        markWrite();
      }
    }

    @Override
    public <T> T read(SqlWork<T> work) {
      Checks.notNull(work, "work");
      return shard.read(work, primaryOnly());
    }

    @Override
    public DataSource write() {
      markWrite();
      return new View(shard, true, false);
    }

    @Override
    public DataSource read() {
      return new View(shard, false, primaryOnly());
    }

    @Override
    public String toString() {
      return "ShardAccess{" + shard.name + "}";
    }
  }

  /** A DataSource over one shard's routing rules. */
  private static final class View implements DataSource {
    private final Shard shard;
    private final boolean write;
    private final boolean primaryOnly;
    private int loginTimeout;

    View(Shard shard, boolean write, boolean primaryOnly) {
      this.shard = shard;
      this.write = write;
      this.primaryOnly = primaryOnly;
    }

    @Override
    public Connection getConnection() {
      return write ? shard.primaryConnection() : shard.readConnection(primaryOnly);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      throw new SQLFeatureNotSupportedException(
          "credentials are configured per shard; use getConnection()");
    }

    @Override
    public @Nullable PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(@Nullable PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {
      this.loginTimeout = seconds;
    }

    @Override
    public int getLoginTimeout() {
      return loginTimeout;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException("no java.util.logging parent");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      if (type.isInstance(this)) {
        return type.cast(this);
      }
      throw new SQLException("not a wrapper for " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return type.isInstance(this);
    }

    @Override
    public String toString() {
      return "ShardedDataSource.View{" + shard.name + (write ? ", write" : ", read") + "}";
    }
  }
}
