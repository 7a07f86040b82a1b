package io.headroom.testkit;

import java.io.File;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Environment lookups shared by the fixtures. */
final class Env {
  private Env() {}

  /** Under {@code CI=true} a fixture that cannot provide its server fails instead of skipping. */
  static boolean isCi() {
    String ci = System.getenv("CI");
    return ci != null && (ci.equalsIgnoreCase("true") || ci.equals("1"));
  }

  static Optional<String> get(String key) {
    String v = System.getenv(key);
    if (v == null || v.isBlank()) {
      v = System.getProperty(key.toLowerCase(Locale.ROOT).replace('_', '.'));
    }
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  /** The first executable called {@code name} on the PATH, if any. */
  static @Nullable File onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(Pattern.quote(File.pathSeparator), -1)) {
      File f = new File(dir, name);
      if (f.isFile() && f.canExecute()) {
        return f;
      }
    }
    return null;
  }

  /** Whether a Docker engine answers, so Testcontainers can be used. Never throws. */
  static boolean dockerAvailable() {
    if (Env.get("HEADROOM_TEST_NO_DOCKER").isPresent()) {
      return false;
    }
    boolean hint = new File("/var/run/docker.sock").exists() || Env.get("DOCKER_HOST").isPresent();
    if (!hint) {
      return false;
    }
    try {
      return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }
}
