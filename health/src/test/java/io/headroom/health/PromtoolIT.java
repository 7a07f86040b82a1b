package io.headroom.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.headroom.testkit.fixtures.Ci;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Pipes the {@code /metrics} output through {@code promtool check metrics}. Under CI ({@code
 * CI=true} or {@code CI=1}, the fixtures' rule: {@link Ci#isActive()}) a missing promtool fails the
 * build; elsewhere the test is skipped.
 */
class PromtoolIT {

  private static Optional<File> promtool() {
    String path =
        Optional.ofNullable(System.getenv("PATH")).orElse("") + File.pathSeparator + "/usr/bin";
    return Stream.of(path.split(File.pathSeparator))
        .map(dir -> new File(dir, "promtool"))
        .filter(File::canExecute)
        .findFirst();
  }

  @Test
  void metricsOutputPassesPromtoolCheckMetrics() throws Exception {
    Optional<File> promtool = promtool();
    if (promtool.isEmpty()) {
      if (Ci.isActive()) {
        fail("promtool is required under CI (apt-get install prometheus)");
      }
      Assumptions.abort("promtool not installed; skipped outside CI");
    }

    PrometheusMeterRegistry prometheus = HealthMetrics.prometheusRegistry();
    HealthRegistry health =
        HealthRegistry.builder()
            .meterRegistry(prometheus)
            .backgroundChecks(false)
            .drainDelay(Duration.ZERO)
            .build();
    try {
      health.register(HealthMetrics.bindJvmMetrics(prometheus));
      health.register(JvmChecks.deadlocks());
      health.register(JvmChecks.heapAfterGc(0.95));
      health.register(
          CheckConfig.builder("redis", () -> CheckResult.up().withDetail("latencyMs", 0.4)));
      // Meters the other headroom modules register in the same registry.
      Counter.builder("cache.gets") // no description: the lint filter supplies one
          .tag("cache", "links")
          .tag("result", "hit")
          .register(prometheus)
          .increment();
      Timer.builder("ratelimit.redis.latency")
          .tag("name", "api")
          .publishPercentileHistogram()
          .register(prometheus)
          .record(3, TimeUnit.MILLISECONDS);
      health.refresh();
      health.markStarted();

      String body =
          HealthEndpoints.builder(health)
              .prometheus(prometheus)
              .build()
              .handle("GET", "/metrics", name -> null)
              .body();
      assertThat(body)
          .contains("health_status{group=\"readiness\"}")
          .contains("health_check_duration_seconds_count{name=\"heap\"}")
          .contains("jvm_gc_")
          .contains("process_cpu_usage")
          .contains("cache_gets_total{cache=\"links\",result=\"hit\"} 1.0")
          .contains("ratelimit_redis_latency_seconds_bucket");

      // Kept for humans: what promtool was given.
      java.nio.file.Files.writeString(
          java.nio.file.Path.of("target", "promtool-input.prom"), body, StandardCharsets.UTF_8);
      Process p =
          new ProcessBuilder(promtool.get().getPath(), "check", "metrics")
              .redirectErrorStream(true)
              .start();
      try (OutputStream in = p.getOutputStream()) {
        in.write(body.getBytes(StandardCharsets.UTF_8));
      }
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as("promtool said:%n%s", output).isZero();
      assertThat(output).as("promtool lint findings").isBlank();
    } finally {
      health.shutdown();
    }
  }
}
