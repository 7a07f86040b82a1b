package io.headroom.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One redis-server process on loopback that can be stopped and started again on its port. */
final class RedisProcess {
  private static final Logger log = LoggerFactory.getLogger(RedisProcess.class);

  private final File binary;
  private final int port;
  private final Path dir;
  private final List<String> extraArgs;
  private @Nullable Process process;

  RedisProcess(File binary, int port, Path dir, List<String> extraArgs) {
    this.binary = binary;
    this.port = port;
    this.dir = dir;
    this.extraArgs = List.copyOf(extraArgs);
  }

  int port() {
    return port;
  }

  synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  synchronized void start() {
    if (isRunning()) {
      return;
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(binary.getAbsolutePath());
    cmd.addAll(
        List.of(
            "--port", String.valueOf(port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--protected-mode", "no",
            "--dir", dir.toString()));
    cmd.addAll(extraArgs);
    try {
      Files.createDirectories(dir);
      process =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("redis-" + port + ".log").toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + binary + " on port " + port, e);
    }
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (!Ports.listening(port)) {
      Process p = process;
      if (p == null || !p.isAlive()) {
        throw new IllegalStateException(
            "redis-server on port " + port + " exited at start; see " + dir);
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("redis-server on port " + port + " did not listen in 10s");
      }
      pause(20);
    }
  }

  /** Kills the server at once, as a crash or a network cut would look to clients. */
  synchronized void kill() {
    Process p = process;
    if (p == null) {
      return;
    }
    p.destroyForcibly();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        log.warn("redis-server on port {} did not exit in 10s", port);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
    while (Ports.listening(port)) {
      pause(10);
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis); // polling a child process, not waiting out a timeout under test
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Finds a redis-server binary: on the PATH first, then the one inside embedded-redis. */
  static Binary locate() {
    File onPath = Env.onPath("redis-server");
    if (onPath != null) {
      return new Binary(onPath, "redis-server on the PATH (" + onPath + ")");
    }
    try {
      File embedded = redis.embedded.core.ExecutableProvider.newJarResourceProvider().get();
      if (!embedded.canExecute() && !embedded.setExecutable(true)) {
        throw new IOException("cannot make " + embedded + " executable");
      }
      return new Binary(embedded, "the redis-server shipped in embedded-redis (" + embedded + ")");
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "no redis-server: not on the PATH, and embedded-redis could not provide one: " + e, e);
    }
  }

  record Binary(File file, String description) {}
}
