package io.headroom.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.headroom.testkit.fixtures.RedisFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** No password reaches a toString, a log line or an exception, whatever goes wrong. */
class RedisSecretsIT {
  private static final String PASSWORD = "hunter2-Secret";

  @RegisterExtension static final RedisFixture redis = RedisFixture.standalone();

  @Test
  void passwordNeverAppearsInToStringLogsOrExceptions() throws Exception {
    int deadPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      deadPort = s.getLocalPort();
    }
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    StringBuilder texts = new StringBuilder();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      // 1. nothing listening: connect fails, is logged, commands are rejected
      RedisSettings dead =
          RedisSettings.builder()
              .uri("redis://app:" + PASSWORD + "@127.0.0.1:" + deadPort + "/0")
              .connectTimeout(Duration.ofMillis(200))
              .build();
      try (RedisConnector c = RedisConnector.create(dead)) {
        texts.append(dead).append('\n').append(c).append('\n');
        Throwable t = catchThrowable(() -> c.await(c.get("k")));
        assertThat(t).isInstanceOf(RedisUnavailableException.class);
        texts.append(stackTrace(t));
      }
      // 2. a live server that refuses the credentials
      String wrong = redis.uri().replace("redis://", "redis://app:" + PASSWORD + "@");
      try (RedisConnector c =
          RedisConnector.create(
              RedisSettings.builder().uri(wrong).connectTimeout(Duration.ofMillis(500)).build())) {
        texts.append(c).append('\n');
        Throwable t = catchThrowable(() -> c.await(c.ping()));
        assertThat(t).isInstanceOf(RedisException.class);
        texts.append(stackTrace(t));
      }
      // 3. a cluster seed list
      RedisSettings cluster =
          RedisSettings.of("redis://:" + PASSWORD + "@127.0.0.1:" + deadPort + ",127.0.0.1:1");
      texts.append(cluster).append('\n').append(cluster.maskedUri()).append('\n');
    } finally {
      System.setErr(original);
    }
    String logs = captured.toString(StandardCharsets.UTF_8);
    assertThat(logs).contains("could not connect").contains("***");
    assertThat(texts.toString()).contains("***");
    assertThat(logs).doesNotContain(PASSWORD);
    assertThat(texts.toString()).doesNotContain(PASSWORD);
  }

  private static String stackTrace(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }
}
