package io.headroom.examples.shortener;

import io.headroom.core.Settings;

/**
 * {@code java -jar shortener.jar}: starts the shortener from the environment; SIGTERM drains it.
 */
public final class Main {
  private Main() {}

  /** Starts the app and returns; the HTTP server's threads keep the JVM running. */
  public static void main(String[] args) {
    Settings env = Settings.fromEnvironment();
    ShortenerApp.builder()
        .env(System::getenv)
        .shutdownHook(env.getBoolean("HEADROOM_HEALTH_SHUTDOWN_HOOK", true))
        .start();
  }
}
