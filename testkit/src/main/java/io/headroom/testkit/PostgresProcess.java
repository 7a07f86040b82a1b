package io.headroom.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One throw-away PostgreSQL server on loopback: a fresh data directory made by {@code initdb} in a
 * temporary directory, trust authentication, {@code fsync=off}, started and stopped with {@code
 * pg_ctl}. PostgreSQL refuses to run as root, so when the JVM is root every command runs as the
 * {@code postgres} system user (through {@code runuser}, or {@code su} where there is none) and the
 * directory is handed to that user.
 */
final class PostgresProcess {
  private static final Logger log = LoggerFactory.getLogger(PostgresProcess.class);
  private static final Pattern VERSION_DIR = Pattern.compile("(\\d+)(?:\\.(\\d+))?");
  static final String SYSTEM_USER = "postgres";

  private final Binaries binaries;
  private final int port;
  private final Path base;
  private final Path data;
  private final @Nullable String runAs;
  private boolean initialized;

  PostgresProcess(Binaries binaries, int port, Path base, @Nullable String runAs) {
    this.binaries = binaries;
    this.port = port;
    this.base = base;
    this.data = base.resolve("data");
    this.runAs = runAs;
  }

  int port() {
    return port;
  }

  Path directory() {
    return base;
  }

  @Nullable String runAs() {
    return runAs;
  }

  /** Whether the server accepts TCP connections. */
  boolean isRunning() {
    return Ports.listening(port);
  }

  /** Runs {@code initdb} (once) and starts the server; does nothing if it is running. */
  synchronized void start() {
    if (!initialized) {
      init();
      initialized = true;
    }
    if (isRunning()) {
      return;
    }
    run(
        List.of(
            binaries.pgCtl().toString(),
            "-D",
            data.toString(),
            "-l",
            base.resolve("server.log").toString(),
            "-w",
            "-t",
            "60",
            "start"),
        90,
        "pg_ctl.log");
    if (!isRunning()) {
      throw new IllegalStateException(
          "PostgreSQL started by pg_ctl does not listen on 127.0.0.1:"
              + port
              + "; see "
              + base.resolve("server.log"));
    }
  }

  /** Stops the server at once ({@code pg_ctl stop -m immediate}), as a crash would look. */
  synchronized void stop() {
    if (!initialized || !Files.exists(data.resolve("postmaster.pid"))) {
      return;
    }
    run(
        List.of(
            binaries.pgCtl().toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"),
        60,
        "pg_ctl.log");
    while (isRunning()) {
      pause(10);
    }
  }

  /** Stops the server and deletes its directory. Never throws. */
  synchronized void destroy() {
    try {
      stop();
    } catch (RuntimeException e) {
      log.warn("could not stop PostgreSQL on port {}: {}", port, e.getMessage());
    }
    try (Stream<Path> files = Files.walk(base)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      log.warn("could not delete {}: {}", base, e.getMessage());
    }
  }

  private void init() {
    try {
      Files.createDirectories(base);
      if (runAs != null) {
        chown(base, runAs);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + base + " for PostgreSQL", e);
    }
    run(
        List.of(
            binaries.initdb().toString(),
            "-D",
            data.toString(),
            "-U",
            SYSTEM_USER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync"),
        120,
        "initdb.log");
    String conf =
        String.join(
            "\n",
            "",
            "# headroom PostgresFixture: a throw-away test server",
            "listen_addresses = '127.0.0.1'",
            "port = " + port,
            "unix_socket_directories = '" + base + "'",
            "max_connections = 200",
            "shared_buffers = 32MB",
            "fsync = off",
            "full_page_writes = off",
            "autovacuum = off",
            "log_min_messages = warning",
            "");
    try {
      Files.writeString(
          data.resolve("postgresql.conf"), conf, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot configure " + data, e);
    }
  }

  /** Runs a command (as {@link #runAs} when set), appending its output to {@code logName}. */
  private void run(List<String> command, long timeoutSeconds, String logName) {
    List<String> cmd = asUser(command, runAs);
    Path logFile = base.resolve(logName);
    Process p;
    try {
      p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + cmd, e);
    }
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(
            String.join(" ", cmd) + " did not finish in " + timeoutSeconds + "s; see " + logFile);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IllegalStateException("interrupted while running " + cmd, e);
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          String.join(" ", cmd)
              + " exited with "
              + p.exitValue()
              + ": "
              + tail(logFile)
              + " | server.log: "
              + tail(base.resolve("server.log")));
    }
  }

  private static String tail(Path file) {
    try {
      if (!Files.exists(file)) {
        return "";
      }
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + file + ")";
    }
  }

  /** {@code command} run as {@code user} (root only), or as is when {@code user} is null. */
  static List<String> asUser(List<String> command, @Nullable String user) {
    if (user == null) {
      return command;
    }
    File runuser = firstExecutable("runuser", "/usr/sbin/runuser", "/sbin/runuser");
    List<String> cmd = new ArrayList<>();
    if (runuser != null) {
      cmd.add(runuser.getAbsolutePath());
      cmd.addAll(List.of("-u", user, "--"));
      cmd.addAll(command);
      return cmd;
    }
    File su = firstExecutable("su", "/bin/su", "/usr/bin/su");
    if (su == null) {
      throw new IllegalStateException(
          "running as root, and neither runuser nor su is available to run PostgreSQL as '"
              + user
              + "'");
    }
    StringBuilder sh = new StringBuilder("exec");
    for (String arg : command) {
      sh.append(" '").append(arg.replace("'", "'\\''")).append('\'');
    }
    cmd.addAll(List.of(su.getAbsolutePath(), user, "-s", "/bin/sh", "-c", sh.toString()));
    return cmd;
  }

  private static @Nullable File firstExecutable(String name, String... fallbacks) {
    File f = Env.onPath(name);
    if (f != null) {
      return f;
    }
    for (String path : fallbacks) {
      File candidate = new File(path);
      if (candidate.isFile() && candidate.canExecute()) {
        return candidate;
      }
    }
    return null;
  }

  private static void chown(Path dir, String user) throws IOException {
    UserPrincipal owner =
        dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.toList()) {
        Files.setOwner(p, owner);
      }
    }
  }

  /**
   * The user PostgreSQL must run as: null when the JVM is not root (run as ourselves), {@code
   * postgres} when it is.
   *
   * @throws IllegalStateException if the JVM is root and there is no {@code postgres} user
   */
  static @Nullable String userToRunAs(Path probe) {
    boolean root = "root".equals(System.getProperty("user.name"));
    if (!root) {
      try {
        root = "root".equals(Files.getOwner(probe, LinkOption.NOFOLLOW_LINKS).getName());
      } catch (IOException | UnsupportedOperationException e) {
        root = false;
      }
    }
    if (!root) {
      return null;
    }
    try {
      probe.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(SYSTEM_USER);
    } catch (UserPrincipalNotFoundException e) {
      throw new IllegalStateException(
          "the JVM runs as root, which PostgreSQL refuses, and there is no '"
              + SYSTEM_USER
              + "' system user to run it as (apt-get install postgresql creates one)",
          e);
    } catch (IOException | UnsupportedOperationException e) {
      throw new IllegalStateException("cannot look up the '" + SYSTEM_USER + "' user: " + e, e);
    }
    return SYSTEM_USER;
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis); // polling a server that is shutting down, not a timeout under test
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Finds initdb, pg_ctl and postgres: the highest version under {@code
   * /usr/lib/postgresql/<version>/bin} (Debian, Ubuntu) or {@code /usr/pgsql-<version>/bin} (RHEL),
   * then on the PATH.
   *
   * @throws IllegalStateException saying where it looked
   */
  static Binaries locate() {
    List<Path> dirs = new ArrayList<>();
    dirs.addAll(versionDirs(Path.of("/usr/lib/postgresql"), "", "bin"));
    dirs.addAll(versionDirs(Path.of("/usr"), "pgsql-", "bin"));
    for (Path bin : dirs) {
      if (complete(bin)) {
        return new Binaries(bin.resolve("initdb"), bin.resolve("pg_ctl"), bin.toString());
      }
    }
    File initdb = Env.onPath("initdb");
    File pgCtl = Env.onPath("pg_ctl");
    if (initdb != null && pgCtl != null) {
      return new Binaries(initdb.toPath(), pgCtl.toPath(), "the PATH (" + initdb.getParent() + ")");
    }
    throw new IllegalStateException(
        "no initdb/pg_ctl/postgres under /usr/lib/postgresql/*/bin, /usr/pgsql-*/bin or on the"
            + " PATH");
  }

  private static boolean complete(Path bin) {
    for (String tool : List.of("initdb", "pg_ctl", "postgres")) {
      File f = bin.resolve(tool).toFile();
      if (!f.isFile() || !f.canExecute()) {
        return false;
      }
    }
    return true;
  }

  /** {@code parent/<prefix><version>/<sub>}, highest version first. */
  private static List<Path> versionDirs(Path parent, String prefix, String sub) {
    File[] children = parent.toFile().listFiles();
    if (children == null) {
      return List.of();
    }
    List<File> versions = new ArrayList<>();
    for (File c : children) {
      if (c.isDirectory()
          && c.getName().startsWith(prefix)
          && VERSION_DIR.matcher(c.getName().substring(prefix.length())).matches()) {
        versions.add(c);
      }
    }
    versions.sort(
        Comparator.comparingLong((File f) -> versionKey(f.getName().substring(prefix.length())))
            .reversed());
    List<Path> out = new ArrayList<>();
    for (File v : versions) {
      out.add(v.toPath().resolve(sub));
    }
    return out;
  }

  private static long versionKey(String version) {
    Matcher m = VERSION_DIR.matcher(version.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      return -1;
    }
    long major = Long.parseLong(m.group(1));
    String minor = m.group(2);
    return major * 1000 + (minor == null ? 0 : Long.parseLong(minor));
  }

  /** Where the PostgreSQL tools are. */
  record Binaries(Path initdb, Path pgCtl, String location) {
    String description() {
      return "a local PostgreSQL from " + location;
    }
  }
}
