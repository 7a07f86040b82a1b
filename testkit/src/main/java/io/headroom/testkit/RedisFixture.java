package io.headroom.testkit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real standalone Redis for integration tests, found or started in the order of CONVENTIONS.md
 * rule 22:
 *
 * <ol>
 *   <li>an explicit URL in {@code HEADROOM_TEST_REDIS_URL} (cannot be stopped by tests);
 *   <li>Testcontainers ({@code redis:7-alpine}) when a Docker engine answers;
 *   <li>{@code redis-server} on the PATH, on a free loopback port;
 *   <li>the {@code redis-server} binary shipped in {@code com.github.codemonstur:embedded-redis}.
 * </ol>
 *
 * <p>It logs which one it used. Under {@code CI=true}, failing to provide a server fails the test
 * run with a message listing what was tried; it is never skipped.
 *
 * <pre>{@code
 * @RegisterExtension static final RedisFixture redis = RedisFixture.standalone();
 * RedisConnector c = RedisConnector.create(RedisSettings.builder().uri(redis.uri()).build());
 * redis.stop();   // outage
 * redis.start();  // same host and port again
 * }</pre>
 *
 * <p>One server per test class when registered as a static extension. Thread-safe.
 */
public final class RedisFixture implements BeforeAllCallback, AfterAllCallback {
  private static final Logger log = LoggerFactory.getLogger(RedisFixture.class);

  private @Nullable Backend backend;

  private RedisFixture() {}

  /** A fixture for one standalone server; it starts in {@code beforeAll} or {@link #start()}. */
  public static RedisFixture standalone() {
    return new RedisFixture();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  /** Finds or starts the server (or starts it again after {@link #stop()}). */
  public synchronized void start() {
    Backend b = backend;
    if (b == null) {
      backend = b = open();
      log.info("RedisFixture: using {} at {}", b.description(), b.uri());
    }
    b.start();
  }

  /**
   * Stops the server so that clients see an outage; {@link #start()} brings it back on the same
   * port with an empty dataset.
   *
   * @throws IllegalStateException for an external server from {@code HEADROOM_TEST_REDIS_URL}
   */
  public synchronized void stop() {
    backend().stop();
  }

  /** {@link #stop()} then {@link #start()}. */
  public void restart() {
    stop();
    start();
  }

  /** Whether the server is up. */
  public synchronized boolean isRunning() {
    return backend != null && backend.running();
  }

  /** The server's URI, e.g. {@code redis://127.0.0.1:6390}. */
  public String uri() {
    return backend().uri();
  }

  /** The server's host. */
  public String host() {
    return URI.create(uri()).getHost();
  }

  /** The server's port. */
  public int port() {
    return URI.create(uri()).getPort();
  }

  /** Which backend was used, for logs and reports. */
  public String description() {
    return backend().description();
  }

  /** Deletes every key. */
  public void flushAll() {
    withCommands(RedisCommands::flushall);
  }

  /** Empties the server's script cache, so the next EVALSHA answers NOSCRIPT. */
  public void scriptFlush() {
    withCommands(RedisCommands::scriptFlush);
  }

  /** The number of keys in db 0. */
  public long dbSize() {
    return withCommands(RedisCommands::dbsize);
  }

  /** The keys matching a glob pattern (test use only; never do this in production code). */
  public List<String> keys(String pattern) {
    return withCommands(c -> new ArrayList<>(c.keys(pattern)));
  }

  /** The remaining TTL of {@code key} in ms; -1 if it has none, -2 if it does not exist. */
  public long pttl(String key) {
    return withCommands(c -> c.pttl(key));
  }

  /** The value of {@code key} as a string, or {@code null}. */
  public @Nullable String get(String key) {
    return withCommands(c -> c.get(key));
  }

  /** The number of connected clients, from {@code INFO clients}. */
  public long connectedClients() {
    String info = withCommands(c -> c.info("clients"));
    for (String line : info.lines().toList()) {
      if (line.startsWith("connected_clients:")) {
        return Long.parseLong(line.substring("connected_clients:".length()).trim());
      }
    }
    return -1;
  }

  private <T> T withCommands(Function<RedisCommands<String, String>, T> action) {
    RedisURI redisUri = RedisURI.create(uri());
    redisUri.setTimeout(Duration.ofSeconds(5));
    RedisClient client = RedisClient.create(redisUri);
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      return action.apply(c.sync());
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  /** Stops the server and removes its files. */
  public synchronized void close() {
    Backend b = backend;
    if (b != null) {
      b.close();
      backend = null;
    }
  }

  private synchronized Backend backend() {
    Backend b = backend;
    if (b == null) {
      throw new IllegalStateException(
          "RedisFixture not started: register it as a static extension");
    }
    return b;
  }

  private static Backend open() {
    List<String> tried = new ArrayList<>();
    var url = Env.get("HEADROOM_TEST_REDIS_URL");
    if (url.isPresent()) {
      return new External(url.get());
    }
    tried.add("HEADROOM_TEST_REDIS_URL (not set)");
    if (Env.dockerAvailable()) {
      return new Container();
    }
    tried.add("Testcontainers (no Docker engine answered)");
    try {
      RedisProcess.Binary binary = RedisProcess.locate();
      Path dir = Files.createTempDirectory("headroom-redis-");
      dir.toFile().deleteOnExit();
      return new Local(new RedisProcess(binary.file(), Ports.free(), dir, List.of()), binary);
    } catch (IOException | RuntimeException e) {
      tried.add("redis-server on the PATH and embedded-redis (" + e.getMessage() + ")");
    }
    String message = "RedisFixture could not provide a Redis server; tried: " + tried;
    if (Env.isCi()) {
      throw new IllegalStateException(message + " (CI=true: failing, never skipping)");
    }
    throw new org.opentest4j.TestAbortedException(message);
  }

  private interface Backend {
    String uri();

    String description();

    void start();

    void stop();

    boolean running();

    void close();
  }

  private static final class External implements Backend {
    private final String uri;

    External(String uri) {
      this.uri = uri;
    }

    @Override
    public String uri() {
      return uri;
    }

    @Override
    public String description() {
      return "the external Redis from HEADROOM_TEST_REDIS_URL";
    }

    @Override
    public void start() {}

    @Override
    public void stop() {
      throw new IllegalStateException(
          "cannot stop the external Redis from HEADROOM_TEST_REDIS_URL; unset it to let the"
              + " fixture start its own server for outage tests");
    }

    @Override
    public boolean running() {
      return true;
    }

    @Override
    public void close() {}
  }

  private static final class Local implements Backend {
    private final RedisProcess process;
    private final RedisProcess.Binary binary;

    Local(RedisProcess process, RedisProcess.Binary binary) {
      this.process = process;
      this.binary = binary;
    }

    @Override
    public String uri() {
      return "redis://127.0.0.1:" + process.port();
    }

    @Override
    public String description() {
      return binary.description();
    }

    @Override
    public void start() {
      process.start();
    }

    @Override
    public void stop() {
      process.kill();
    }

    @Override
    public boolean running() {
      return process.isRunning();
    }

    @Override
    public void close() {
      process.kill();
    }
  }

  /** Testcontainers backend; stop/start pause and unpause the container so the port stays. */
  private static final class Container implements Backend {
    private final org.testcontainers.containers.GenericContainer<?> container;
    private boolean paused;

    @SuppressWarnings("resource") // closed in close()
    Container() {
      container =
          new org.testcontainers.containers.GenericContainer<>(
                  org.testcontainers.utility.DockerImageName.parse("redis:7-alpine"))
              .withExposedPorts(6379);
      container.start();
    }

    @Override
    public String uri() {
      return "redis://" + container.getHost() + ":" + container.getMappedPort(6379);
    }

    @Override
    public String description() {
      return "Testcontainers redis:7-alpine";
    }

    @Override
    public synchronized void start() {
      if (paused) {
        container.getDockerClient().unpauseContainerCmd(container.getContainerId()).exec();
        paused = false;
      }
    }

    @Override
    public synchronized void stop() {
      if (!paused) {
        container.getDockerClient().pauseContainerCmd(container.getContainerId()).exec();
        paused = true;
      }
    }

    @Override
    public synchronized boolean running() {
      return !paused;
    }

    @Override
    public void close() {
      try {
        container.stop();
      } catch (RuntimeException e) {
        throw new UncheckedIOException(new IOException("could not stop the container", e));
      }
    }
  }
}
