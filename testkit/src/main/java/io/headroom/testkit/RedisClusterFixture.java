package io.headroom.testkit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Redis Cluster of six {@code redis-server} processes on loopback: three primaries and one
 * replica each. The nodes are joined with {@code CLUSTER MEET}, {@code CLUSTER ADDSLOTS} and {@code
 * CLUSTER REPLICATE}, and the fixture waits for {@code cluster_state:ok} everywhere. A node can be
 * killed and restarted, so failover tests are possible ({@code cluster-node-timeout} is 1 s).
 *
 * <pre>{@code
 * @RegisterExtension static final RedisClusterFixture cluster = RedisClusterFixture.sixNodes();
 * RedisSettings s = RedisSettings.builder().uri(cluster.seeds()).build();
 * int port = cluster.killPrimaryOf("{user:42}:count");   // failover
 * cluster.awaitFailover();
 * }</pre>
 *
 * <p>The binary is {@code redis-server} on the PATH, or the one inside embedded-redis. Under {@code
 * CI=true} a missing binary fails the run. Thread-safe.
 */
public final class RedisClusterFixture implements BeforeAllCallback, AfterAllCallback {
  private static final Logger log = LoggerFactory.getLogger(RedisClusterFixture.class);
  private static final int NODES = 6;
  private static final int PRIMARIES = 3;
  private static final Pattern SPACE = Pattern.compile(" ");
  private static final Pattern DASH = Pattern.compile("-");
  private static final Pattern AT = Pattern.compile("@");

  private final List<RedisProcess> nodes = new ArrayList<>();
  private String description = "";

  private RedisClusterFixture() {}

  /** A fixture for a 3-primary, 3-replica cluster, started in {@code beforeAll}. */
  public static RedisClusterFixture sixNodes() {
    return new RedisClusterFixture();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  /** Starts and joins the six nodes, then waits until the cluster is ok. */
  public synchronized void start() {
    if (!nodes.isEmpty()) {
      return;
    }
    RedisProcess.Binary binary;
    try {
      binary = RedisProcess.locate();
    } catch (RuntimeException e) {
      String message = "RedisClusterFixture could not find redis-server: " + e.getMessage();
      if (Env.isCi()) {
        throw new IllegalStateException(message + " (CI=true: failing, never skipping)", e);
      }
      throw new org.opentest4j.TestAbortedException(message, e);
    }
    Path dir;
    try {
      dir = Files.createTempDirectory("headroom-cluster-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (int i = 0; i < NODES; i++) {
      int port = Ports.free();
      RedisProcess p =
          new RedisProcess(
              binary.file(),
              port,
              dir.resolve("node-" + port),
              List.of(
                  "--cluster-enabled", "yes",
                  "--cluster-config-file", "nodes-" + port + ".conf",
                  "--cluster-node-timeout", "1000",
                  "--cluster-replica-validity-factor", "0",
                  "--cluster-require-full-coverage", "no"));
      p.start();
      nodes.add(p);
    }
    join();
    description = binary.description();
    log.info("RedisClusterFixture: 6 nodes on ports {} using {}", ports(), description);
  }

  private void join() {
    int first = nodes.get(0).port();
    for (RedisProcess n : nodes.subList(1, NODES)) {
      on(first, c -> c.clusterMeet("127.0.0.1", n.port()));
    }
    int per = 16384 / PRIMARIES;
    for (int i = 0; i < PRIMARIES; i++) {
      int from = i * per;
      int to = i == PRIMARIES - 1 ? 16383 : (i + 1) * per - 1;
      int[] slots = new int[to - from + 1];
      for (int s = from; s <= to; s++) {
        slots[s - from] = s;
      }
      on(nodes.get(i).port(), c -> c.clusterAddSlots(slots));
    }
    // Every node must know every other before a replica can follow its primary.
    await("all nodes to meet", () -> nodes.stream().allMatch(n -> knownNodes(n.port()) == NODES));
    for (int i = 0; i < PRIMARIES; i++) {
      String primaryId = on(nodes.get(i).port(), RedisCommands::clusterMyId);
      on(nodes.get(PRIMARIES + i).port(), c -> c.clusterReplicate(primaryId));
    }
    awaitOk();
  }

  private long knownNodes(int port) {
    String info = on(port, RedisCommands::clusterInfo);
    return info.lines()
        .filter(l -> l.startsWith("cluster_known_nodes:"))
        .mapToLong(l -> Long.parseLong(l.substring("cluster_known_nodes:".length()).trim()))
        .findFirst()
        .orElse(0);
  }

  /** Waits until every running node reports {@code cluster_state:ok}. */
  public void awaitOk() {
    await(
        "cluster_state:ok on every running node",
        () ->
            running().stream()
                .allMatch(
                    n -> on(n.port(), RedisCommands::clusterInfo).contains("cluster_state:ok")));
  }

  /**
   * Seed URIs for a client: {@code redis://127.0.0.1:p1,redis://127.0.0.1:p2,...} over all nodes.
   */
  public String seeds() {
    return ports().stream().map(p -> "redis://127.0.0.1:" + p).collect(Collectors.joining(","));
  }

  /** The ports of all six nodes, primaries first. */
  public synchronized List<Integer> ports() {
    return nodes.stream().map(RedisProcess::port).collect(Collectors.toList());
  }

  /** Which backend was used, for logs and reports. */
  public String description() {
    return description;
  }

  /**
   * The port of the node that currently serves {@code key}'s slot as a primary, or -1 when no
   * running node knows a healthy owner.
   */
  public int primaryPortOf(String key) {
    int slot = SlotHash.getSlot(key);
    for (RedisProcess n : running()) {
      String nodesText = on(n.port(), RedisCommands::clusterNodes);
      for (String line : nodesText.lines().toList()) {
        String[] f = SPACE.split(line.trim(), -1);
        if (f.length < 9 || !f[2].contains("master") || f[2].contains("fail")) {
          continue;
        }
        for (int i = 8; i < f.length; i++) {
          String range = f[i];
          if (range.startsWith("[")) {
            continue;
          }
          String[] ab = DASH.split(range, -1);
          int a = Integer.parseInt(ab[0]);
          int b = ab.length > 1 ? Integer.parseInt(ab[1]) : a;
          if (slot >= a && slot <= b) {
            String addr = AT.split(f[1], -1)[0];
            return Integer.parseInt(addr.substring(addr.lastIndexOf(':') + 1));
          }
        }
      }
      // this node's view does not name a healthy owner yet (e.g. mid-failover): ask the next one
    }
    return -1;
  }

  /**
   * Kills the primary that owns {@code key}'s slot, as a crash would.
   *
   * @return its port, for {@link #restart(int)}
   */
  public int killPrimaryOf(String key) {
    int port = primaryPortOf(key);
    node(port).kill();
    return port;
  }

  /** Waits until a replica has taken over every slot and the cluster is ok again. */
  public void awaitFailover() {
    awaitOk();
  }

  /** Kills the node on {@code port}. */
  public void kill(int port) {
    node(port).kill();
  }

  /** Starts the node on {@code port} again; it rejoins from its nodes.conf. */
  public void restart(int port) {
    node(port).start();
    awaitOk();
  }

  /** Deletes every key on every running primary. */
  public void flushAll() {
    for (RedisProcess n : running()) {
      try {
        on(n.port(), RedisCommands::flushall);
      } catch (RuntimeException e) {
        // replicas answer READONLY to writes; that is fine, their primary flushes them
        log.debug("flushall on {} skipped: {}", n.port(), e.getMessage());
      }
    }
  }

  /** Empties the script cache of every running node. */
  public void scriptFlush() {
    for (RedisProcess n : running()) {
      on(n.port(), RedisCommands::scriptFlush);
    }
  }

  /** Stops all nodes and removes their files. */
  public synchronized void close() {
    for (RedisProcess n : nodes) {
      n.kill();
    }
    nodes.clear();
  }

  private synchronized List<RedisProcess> running() {
    return nodes.stream().filter(RedisProcess::isRunning).collect(Collectors.toList());
  }

  private synchronized RedisProcess node(int port) {
    return nodes.stream()
        .filter(n -> n.port() == port)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no cluster node on port " + port));
  }

  private static <T> T on(int port, Function<RedisCommands<String, String>, T> action) {
    RedisURI uri = RedisURI.create("127.0.0.1", port);
    uri.setTimeout(Duration.ofSeconds(5));
    RedisClient client = RedisClient.create(uri);
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      return action.apply(c.sync());
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  private static void await(String what, java.util.function.BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (true) {
      boolean ok;
      try {
        ok = condition.getAsBoolean();
      } catch (RuntimeException e) {
        ok = false;
      }
      if (ok) {
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("RedisClusterFixture: timed out waiting for " + what);
      }
      try {
        Thread.sleep(100); // polling the cluster's own convergence, not a timeout under test
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + what, e);
      }
    }
  }
}
