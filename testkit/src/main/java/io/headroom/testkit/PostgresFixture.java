package io.headroom.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL for integration tests, found or started in the order of CONVENTIONS.md rule 22:
 *
 * <ol>
 *   <li>an explicit JDBC URL in {@code HEADROOM_TEST_POSTGRES_URL}, with {@code
 *       HEADROOM_TEST_POSTGRES_USER} (default {@code postgres}) and {@code
 *       HEADROOM_TEST_POSTGRES_PASSWORD}; the user needs {@code CREATEDB}; it cannot be stopped by
 *       tests;
 *   <li>Testcontainers ({@code postgres:16-alpine}) when a Docker engine answers;
 *   <li>a PostgreSQL installed on the machine ({@code /usr/lib/postgresql/<version>/bin}, highest
 *       version first, or {@code initdb} and {@code pg_ctl} on the PATH): a fresh data directory in
 *       a temporary directory (under {@code /dev/shm} when it is a large tmpfs), on a free loopback
 *       port, trust authentication, {@code fsync=off}. PostgreSQL refuses to run as root, so a root
 *       JVM runs it as the {@code postgres} system user.
 * </ol>
 *
 * <p>One server per JVM, started on first use and shared by every test class (a local server is
 * stopped and deleted by a shutdown hook). Each fixture, that is each test class when registered as
 * a static extension, gets a fresh database {@code t_<random>}, and {@link #newDatabase()} makes
 * more (for example one per shard primary and replica); all are dropped in {@code afterAll}. It
 * logs which backend it used. Under {@code CI=true}, failing to provide a server fails the test run
 * with a message listing what was tried; otherwise the tests are aborted (skipped).
 *
 * <pre>{@code
 * @RegisterExtension static final PostgresFixture pg = PostgresFixture.create();
 * try (Connection c = pg.dataSource().getConnection()) { ... }
 * PostgresFixture.Database other = pg.newDatabase();   // another empty database
 * pg.stop();    // outage of the whole server (every database)
 * pg.start();   // back on the same port, data kept
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class PostgresFixture implements BeforeAllCallback, AfterAllCallback {
  private static final Logger log = LoggerFactory.getLogger(PostgresFixture.class);

  /** The server shared by every fixture of this JVM; guarded by {@code PostgresFixture.class}. */
  private static @Nullable Server shared;

  /** Why the first attempt to find a server failed, so later fixtures fail fast the same way. */
  private static @Nullable String sharedFailure;

  private final List<Database> created = new ArrayList<>();
  private @Nullable Database database;

  private PostgresFixture() {}

  /** A fixture; its server is found or started, and its database created, in {@code beforeAll}. */
  public static PostgresFixture create() {
    return new PostgresFixture();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    database();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  /**
   * This fixture's database, created on first use.
   *
   * @throws org.opentest4j.TestAbortedException if no server could be provided (outside CI)
   * @throws IllegalStateException if no server could be provided under {@code CI=true}
   */
  public synchronized Database database() {
    Database d = database;
    if (d == null) {
      database = d = newDatabase();
    }
    return d;
  }

  /**
   * The JDBC URL of this fixture's database, e.g. {@code jdbc:postgresql://127.0.0.1:5433/t_ab12}.
   */
  public String jdbcUrl() {
    return database().jdbcUrl();
  }

  /** The user to connect as. */
  public String user() {
    return server().user();
  }

  /** The password to connect with; empty for a local server with trust authentication. */
  public String password() {
    return server().password();
  }

  /** A simple (unpooled) {@link DataSource} for this fixture's database. */
  public DataSource dataSource() {
    return database().dataSource();
  }

  /** The server's host, as clients see it. */
  public String host() {
    return server().host();
  }

  /** The server's port, as clients see it (for a TCP proxy, say). */
  public int port() {
    return server().port();
  }

  /** Which backend is used, for logs and reports. */
  public String description() {
    return server().description();
  }

  /**
   * Creates another empty database on the server, dropped with this fixture's in {@code afterAll}.
   *
   * @throws IllegalStateException if the database cannot be created
   */
  public Database newDatabase() {
    Server s = server();
    String name = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection c = s.admin();
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot create database " + name + " on " + s.description() + ": " + e.getMessage(), e);
    }
    Database d = new Database(name, s.urlFor(name), s.user(), s.password());
    synchronized (this) {
      created.add(d);
    }
    log.debug("PostgresFixture: created database {}", name);
    return d;
  }

  /**
   * Stops the server so that clients see an outage (a local server is stopped with {@code pg_ctl
   * stop -m immediate}, a container is paused). Every database of the server goes down, for every
   * test class; {@link #start()} brings it back on the same port with its data, and {@code
   * afterAll} restarts it if the test did not.
   *
   * @throws IllegalStateException for an external server from {@code HEADROOM_TEST_POSTGRES_URL}
   */
  public void stop() {
    server().stop();
  }

  /** Starts the server again after {@link #stop()}; does nothing if it runs. */
  public void start() {
    server().start();
  }

  /** Whether the server accepts connections. */
  public boolean isRunning() {
    return server().running();
  }

  /** Drops every database this fixture created (the server keeps running for other classes). */
  public void close() {
    List<Database> drop;
    synchronized (this) {
      drop = new ArrayList<>(created);
      created.clear();
      database = null;
    }
    if (drop.isEmpty()) {
      return;
    }
    Server s = server();
    if (!s.running()) {
      s.start(); // a test stopped it; later classes need it
    }
    try (Connection c = s.admin()) {
      for (Database d : drop) {
        dropDatabase(c, d.name());
      }
    } catch (SQLException e) {
      log.warn("PostgresFixture: could not drop test databases {}: {}", drop, e.getMessage());
    }
  }

  private static void dropDatabase(Connection c, String name) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); // PostgreSQL 13+
    } catch (SQLException e) {
      if (!"42601".equals(e.getSQLState())) {
        throw e;
      }
      try (Statement st = c.createStatement()) {
        st.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                + name
                + "'");
        st.execute("DROP DATABASE IF EXISTS " + name);
      }
    }
  }

  @Override
  public String toString() {
    Database d = database;
    return "PostgresFixture{" + (d == null ? "not started" : d.jdbcUrl()) + "}";
  }

  // ---- the shared server ----

  private static Server server() {
    synchronized (PostgresFixture.class) {
      Server s = shared;
      if (s != null) {
        return s;
      }
      String failed = sharedFailure;
      if (failed != null) {
        throw unavailable(failed);
      }
      s = open();
      log.info("PostgresFixture: using {} at {}", s.description(), s.urlFor("postgres"));
      shared = s;
      return s;
    }
  }

  private static Server open() {
    List<String> tried = new ArrayList<>();
    var url = Env.get("HEADROOM_TEST_POSTGRES_URL");
    if (url.isPresent()) {
      return new External(
          url.get(),
          Env.get("HEADROOM_TEST_POSTGRES_USER").orElse("postgres"),
          Env.get("HEADROOM_TEST_POSTGRES_PASSWORD").orElse(""));
    }
    tried.add("HEADROOM_TEST_POSTGRES_URL (not set)");
    if (Env.dockerAvailable()) {
      try {
        return new Container();
      } catch (RuntimeException e) {
        tried.add("Testcontainers postgres:16-alpine (" + e.getMessage() + ")");
      }
    } else {
      tried.add("Testcontainers (no Docker engine answered)");
    }
    try {
      return Local.launch();
    } catch (RuntimeException e) {
      tried.add("a local PostgreSQL (" + e.getMessage() + ")");
    }
    String message = "PostgresFixture could not provide a PostgreSQL server; tried: " + tried;
    sharedFailure = message;
    throw unavailable(message);
  }

  private static RuntimeException unavailable(String message) {
    if (Env.isCi()) {
      return new IllegalStateException(message + " (CI=true: failing, never skipping)");
    }
    return new org.opentest4j.TestAbortedException(message);
  }

  /**
   * One database of the server.
   *
   * @param name the database name, {@code t_<random>}
   * @param jdbcUrl its JDBC URL
   * @param user the user to connect as
   * @param password the password; empty for trust authentication
   */
  public record Database(String name, String jdbcUrl, String user, String password) {

    /** A simple (unpooled) {@link DataSource} for this database. */
    public DataSource dataSource() {
      PGSimpleDataSource ds = new PGSimpleDataSource();
      ds.setUrl(jdbcUrl);
      ds.setUser(user);
      if (!password.isEmpty()) {
        ds.setPassword(password);
      }
      return ds;
    }

    /**
     * Opens a connection.
     *
     * @throws SQLException if the server refuses
     */
    public Connection connect() throws SQLException {
      return dataSource().getConnection();
    }

    @Override
    public String toString() {
      return "Database{"
          + jdbcUrl
          + ", user="
          + user
          + (password.isEmpty() ? "" : ", password=***")
          + "}";
    }
  }

  // ---- backends ----

  private abstract static class Server {
    abstract String description();

    abstract String host();

    abstract int port();

    abstract String user();

    abstract String password();

    /** The JDBC URL of database {@code name} on this server. */
    abstract String urlFor(String name);

    abstract void start();

    abstract void stop();

    abstract boolean running();

    /** A connection to the maintenance database, to create and drop test databases. */
    Connection admin() throws SQLException {
      Properties p = new Properties();
      p.setProperty("user", user());
      if (!password().isEmpty()) {
        p.setProperty("password", password());
      }
      p.setProperty("connectTimeout", "10");
      p.setProperty("socketTimeout", "60");
      return DriverManager.getConnection(adminUrl(), p);
    }

    String adminUrl() {
      return urlFor("postgres");
    }
  }

  private static final class External extends Server {
    private static final Pattern URL =
        Pattern.compile("(jdbc:postgresql://[^/?]*)(?:/([^?]*))?(\\?.*)?");
    private final String url;
    private final String user;
    private final String password;
    private final String authority;
    private final @Nullable String query;

    External(String url, String user, String password) {
      this.url = url;
      this.user = user;
      this.password = password;
      Matcher parts = URL.matcher(url);
      if (!parts.matches()) {
        throw new IllegalStateException(
            "HEADROOM_TEST_POSTGRES_URL must look like jdbc:postgresql://host:port/db: '"
                + url.replaceAll("(?i)password=[^&]*", "password=***")
                + "'");
      }
      this.authority = parts.group(1);
      this.query = parts.group(3);
    }

    @Override
    String description() {
      return "the external PostgreSQL from HEADROOM_TEST_POSTGRES_URL";
    }

    private URI hostPart() {
      String hosts = authority.substring("jdbc:postgresql://".length());
      String first = hosts.split(",", -1)[0];
      return URI.create("postgresql://" + (first.isEmpty() ? "localhost" : first));
    }

    @Override
    String host() {
      return hostPart().getHost();
    }

    @Override
    int port() {
      int p = hostPart().getPort();
      return p < 0 ? 5432 : p;
    }

    @Override
    String user() {
      return user;
    }

    @Override
    String password() {
      return password;
    }

    @Override
    String adminUrl() {
      return url;
    }

    @Override
    String urlFor(String name) {
      return authority + "/" + name + (query == null ? "" : query);
    }

    @Override
    void start() {}

    @Override
    void stop() {
      throw new IllegalStateException(
          "cannot stop the external PostgreSQL from HEADROOM_TEST_POSTGRES_URL; unset it to let"
              + " the fixture start its own server for outage tests");
    }

    @Override
    boolean running() {
      return true;
    }
  }

  private static final class Local extends Server {
    private final PostgresProcess process;
    private final String description;

    private Local(PostgresProcess process, String description) {
      this.process = process;
      this.description = description;
    }

    static Local launch() {
      PostgresProcess.Binaries binaries = PostgresProcess.locate();
      Path dir;
      String runAs;
      try {
        Path probe = Files.createTempFile("headroom-pg-probe-", "");
        try {
          runAs = PostgresProcess.userToRunAs(probe);
        } finally {
          Files.deleteIfExists(probe);
        }
        dir = Files.createTempDirectory(baseDirectory(runAs != null), "headroom-pg-");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a temporary directory for PostgreSQL", e);
      }
      PostgresProcess process = new PostgresProcess(binaries, Ports.free(), dir, runAs);
      Thread hook = new Thread(process::destroy, "headroom-postgres-fixture-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        process.start();
      } catch (RuntimeException e) {
        process.destroy();
        Runtime.getRuntime().removeShutdownHook(hook);
        throw e;
      }
      String as = runAs == null ? "" : ", run as the '" + runAs + "' user";
      return new Local(process, binaries.description() + " in " + dir + as);
    }

    /**
     * Where to put the data directory: a large enough tmpfs ({@code /dev/shm}) when there is one,
     * since creating a database is several times faster there; else {@code /tmp} under root (the
     * {@code postgres} user must be able to reach it) or the JVM's temporary directory.
     */
    private static Path baseDirectory(boolean asOtherUser) throws IOException {
      Path shm = Path.of("/dev/shm");
      if (Files.isDirectory(shm)
          && Files.isWritable(shm)
          && Files.getFileStore(shm).getUsableSpace() > 1L << 30) {
        return shm;
      }
      Path tmp = Path.of("/tmp");
      if (asOtherUser && Files.isDirectory(tmp)) {
        return tmp;
      }
      return Path.of(System.getProperty("java.io.tmpdir"));
    }

    @Override
    String description() {
      return description;
    }

    @Override
    String host() {
      return "127.0.0.1";
    }

    @Override
    int port() {
      return process.port();
    }

    @Override
    String user() {
      return PostgresProcess.SYSTEM_USER;
    }

    @Override
    String password() {
      return "";
    }

    @Override
    String urlFor(String name) {
      return "jdbc:postgresql://127.0.0.1:" + process.port() + "/" + name;
    }

    @Override
    void start() {
      process.start();
    }

    @Override
    void stop() {
      process.stop();
    }

    @Override
    boolean running() {
      return process.isRunning();
    }
  }

  /** Testcontainers backend; stop/start pause and unpause the container so the port stays. */
  private static final class Container extends Server {
    private static final String PASSWORD = "headroom";
    private final org.testcontainers.containers.GenericContainer<?> container;
    private boolean paused;

    @SuppressWarnings("resource") // stopped by the shutdown hook (and Testcontainers' reaper)
    Container() {
      container =
          new org.testcontainers.containers.GenericContainer<>(
                  org.testcontainers.utility.DockerImageName.parse("postgres:16-alpine"))
              .withEnv("POSTGRES_PASSWORD", PASSWORD)
              .withCommand("postgres", "-c", "fsync=off", "-c", "max_connections=200")
              .withExposedPorts(5432)
              .waitingFor(
                  org.testcontainers.containers.wait.strategy.Wait.forLogMessage(
                      ".*database system is ready to accept connections.*\\s", 2));
      container.start();
      Runtime.getRuntime()
          .addShutdownHook(new Thread(container::stop, "headroom-postgres-container-stop"));
    }

    @Override
    String description() {
      return "Testcontainers postgres:16-alpine";
    }

    @Override
    String host() {
      return container.getHost();
    }

    @Override
    int port() {
      return container.getMappedPort(5432);
    }

    @Override
    String user() {
      return "postgres";
    }

    @Override
    String password() {
      return PASSWORD;
    }

    @Override
    String urlFor(String name) {
      return "jdbc:postgresql://" + host() + ":" + port() + "/" + name.toLowerCase(Locale.ROOT);
    }

    @Override
    synchronized void start() {
      if (paused) {
        container.getDockerClient().unpauseContainerCmd(container.getContainerId()).exec();
        paused = false;
      }
    }

    @Override
    synchronized void stop() {
      if (!paused) {
        container.getDockerClient().pauseContainerCmd(container.getContainerId()).exec();
        paused = true;
      }
    }

    @Override
    synchronized boolean running() {
      return !paused;
    }
  }
}
