package io.headroom.redis;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.headroom.testkit.fixtures.RedisFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisConnectorIT {
  @RegisterExtension static final RedisFixture redis = RedisFixture.standalone();

  private RedisConnector connector;

  @BeforeEach
  void connect() {
    redis.start();
    redis.flushAll();
    connector = RedisConnector.create(RedisSettings.of(redis.uri()));
  }

  @AfterEach
  void close() {
    connector.close();
  }

  @Test
  void setGetMgetDelIncrPttlWork() {
    connector.await(connector.set("a", "1".getBytes(UTF_8), Duration.ofMinutes(1)));
    connector.await(connector.set("b", "2".getBytes(UTF_8), Duration.ofMinutes(1)));
    assertThat(new String(connector.await(connector.get("a")), UTF_8)).isEqualTo("1");
    assertThat(connector.await(connector.get("missing"))).isNull();
    List<byte[]> values = connector.await(connector.mget(List.of("a", "missing", "b")));
    assertThat(values).hasSize(3);
    assertThat(values.get(0)).isEqualTo("1".getBytes(UTF_8));
    assertThat(values.get(1)).isNull();
    assertThat(values.get(2)).isEqualTo("2".getBytes(UTF_8));
    assertThat(connector.await(connector.pttl("a"))).isBetween(1L, 60_000L);
    assertThat(connector.await(connector.del(List.of("a", "b", "missing")))).isEqualTo(2);
    assertThat(connector.await(connector.incr("n"))).isEqualTo(1);
    assertThat(connector.await(connector.incr("n"))).isEqualTo(2);
    assertThat(
            connector.await(connector.setIfAbsent("lock", new byte[] {1}, Duration.ofSeconds(5))))
        .isTrue();
    assertThat(
            connector.await(connector.setIfAbsent("lock", new byte[] {2}, Duration.ofSeconds(5))))
        .isFalse();
    assertThat(connector.await(connector.ping())).isEqualTo("PONG");
    Instant t = connector.await(connector.time());
    assertThat(Duration.between(t, Instant.now()).abs()).isLessThan(Duration.ofMinutes(5));
    assertThat(connector.isConnected()).isTrue();
    assertThat(connector.mode()).isEqualTo(RedisMode.STANDALONE);
  }

  @Test
  void scriptSurvivesScriptFlushThroughTheNoScriptPathOfADecorator() {
    RedisScript<Long> incrBy =
        RedisScript.of(
            "incr-by", "return redis.call('INCRBY', KEYS[1], ARGV[1])", ScriptOutput.INTEGER);
    CountingConnector decorated = new CountingConnector(connector);
    assertThat(decorated.await(incrBy.run(decorated, List.of("{s}:n"), List.of(5)))).isEqualTo(5);
    // first run: not loaded yet, so EVALSHA, NOSCRIPT, then EVAL
    assertThat(decorated.evalshaCalls).hasValue(1);
    assertThat(decorated.evalCalls).hasValue(1);
    assertThat(decorated.await(incrBy.run(decorated, List.of("{s}:n"), List.of(5)))).isEqualTo(10);
    assertThat(decorated.evalshaCalls).hasValue(2); // EVALSHA hit
    assertThat(decorated.evalCalls).hasValue(1);
    redis.scriptFlush();
    assertThat(decorated.await(incrBy.run(decorated, List.of("{s}:n"), List.of(1)))).isEqualTo(11);
    assertThat(decorated.evalCalls).hasValue(2); // NOSCRIPT -> EVAL, once
    assertThat(decorated.await(incrBy.run(decorated, List.of("{s}:n"), List.of(1)))).isEqualTo(12);
    assertThat(decorated.evalshaCalls).hasValue(4);
    assertThat(decorated.evalCalls).hasValue(2);
  }

  @Test
  void evalshaOfAnUnknownScriptFailsWithTheNoScriptErrorCode() {
    RedisScript<Long> unknown = RedisScript.of("unknown", "return 7", ScriptOutput.INTEGER);
    redis.scriptFlush();
    assertThatThrownBy(
            () -> connector.await(connector.evalsha(unknown, new String[0], new byte[0][])))
        .isInstanceOfSatisfying(
            RedisCommandException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(RedisCommandException.NOSCRIPT);
              assertThat(e.mayHaveExecuted()).isFalse();
              assertThat(e).hasMessageContaining("EVALSHA unknown");
            });
    assertThat(connector.await(connector.eval(unknown, new String[0], new byte[0][]))).isEqualTo(7);
    assertThat(connector.await(connector.evalsha(unknown, new String[0], new byte[0][])))
        .isEqualTo(7);
  }

  @Test
  void scriptOutputsArriveAsTheirJavaTypes() {
    RedisScript<List<Object>> multi =
        RedisScript.of("multi", "return {1, 'two', {3}}", ScriptOutput.MULTI);
    List<Object> r = connector.await(multi.run(connector, List.of(), List.of()));
    assertThat(r.get(0)).isEqualTo(1L);
    assertThat((byte[]) r.get(1)).isEqualTo("two".getBytes(UTF_8));
    assertThat(r.get(2)).isEqualTo(List.of(3L));
    RedisScript<byte[]> nil =
        RedisScript.of("nil", "return redis.call('GET', KEYS[1])", ScriptOutput.VALUE);
    assertThat(connector.await(nil.run(connector, List.of("none"), List.of()))).isNull();
  }

  @Test
  void scriptErrorIsACommandExceptionThatDidNotExecute() {
    RedisScript<Long> bad =
        RedisScript.of("bad", "return redis.call('NOPE')", ScriptOutput.INTEGER);
    assertThatThrownBy(() -> connector.await(bad.run(connector, List.of(), List.of())))
        .isInstanceOf(RedisCommandException.class)
        .hasMessageContaining("bad")
        .satisfies(e -> assertThat(((RedisException) e).mayHaveExecuted()).isFalse())
        .satisfies(e -> assertThat(((RedisCommandException) e).errorCode()).isEqualTo("ERR"));
  }

  @Test
  void scriptKeysInSeveralSlotsAreRejectedBeforeSending() {
    RedisScript<Long> s = RedisScript.of("two-keys", "return 1", ScriptOutput.INTEGER);
    assertThatThrownBy(() -> s.run(connector, List.of("user:1", "user:2"), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two-keys")
        .hasMessageContaining("hash tag");
  }

  @Test
  void commandAgainstAStoppedRedisFailsInsteadOfHanging() throws Exception {
    RedisConnector fast =
        RedisConnector.create(
            RedisSettings.builder()
                .uri(redis.uri())
                .commandTimeout(Duration.ofMillis(300))
                .reconnectDelayMax(Duration.ofMillis(200))
                .build());
    try {
      assertThat(fast.await(fast.ping())).isEqualTo("PONG");
      redis.stop();
      // whether the drop is seen yet or not, the call completes within the command timeout
      var f = fast.get("k");
      assertThat(f).failsWithin(Duration.ofSeconds(2));
      assertThatThrownBy(() -> fast.await(fast.get("k"))).isInstanceOf(RedisException.class);
      redis.start();
      await().atMost(10, TimeUnit.SECONDS).until(() -> ping(fast));
    } finally {
      fast.close();
    }
  }

  @Test
  void connectorStartsWhileRedisIsDownAndConnectsWhenItComesBack() {
    redis.stop();
    RedisConnector late =
        RedisConnector.create(
            RedisSettings.builder()
                .uri(redis.uri())
                .connectTimeout(Duration.ofMillis(200))
                .reconnectDelayMax(Duration.ofMillis(200))
                .build());
    try {
      assertThat(late.isConnected()).isFalse();
      assertThatThrownBy(() -> late.await(late.get("k")))
          .isInstanceOf(RedisUnavailableException.class)
          .hasMessageContaining("not connected");
      redis.start();
      await().atMost(10, TimeUnit.SECONDS).until(() -> ping(late));
    } finally {
      late.close();
    }
  }

  @Test
  void subscriptionDeliversAndReportsResubscribeAfterRestart() {
    List<String> got = new CopyOnWriteArrayList<>();
    AtomicInteger resubscribed = new AtomicInteger();
    AtomicInteger disconnected = new AtomicInteger();
    RedisConnector c =
        RedisConnector.create(
            RedisSettings.builder()
                .uri(redis.uri())
                .reconnectDelayMax(Duration.ofMillis(200))
                .build());
    try (RedisSubscription sub =
        c.subscribe(
            "news",
            new RedisMessageListener() {
              @Override
              public void onMessage(String channel, byte[] message) {
                got.add(new String(message, UTF_8));
              }

              @Override
              public void onResubscribed(String channel) {
                resubscribed.incrementAndGet();
              }

              @Override
              public void onDisconnected(String channel) {
                disconnected.incrementAndGet();
              }
            })) {
      await().atMost(5, TimeUnit.SECONDS).until(sub::isActive);
      c.await(c.publish("news", "one".getBytes(UTF_8)));
      await().atMost(5, TimeUnit.SECONDS).until(() -> got.contains("one"));
      assertThat(resubscribed).hasValue(0);
      redis.restart();
      await().atMost(15, TimeUnit.SECONDS).until(() -> resubscribed.get() == 1 && sub.isActive());
      assertThat(disconnected).hasValue(1);
      await()
          .atMost(10, TimeUnit.SECONDS)
          .until(
              () -> {
                publishQuietly(c, "two");
                return got.contains("two");
              });
    } finally {
      c.close();
    }
  }

  @Test
  void closedConnectorRejects() {
    RedisConnector c = RedisConnector.create(RedisSettings.of(redis.uri()));
    c.close();
    c.close();
    assertThatThrownBy(() -> c.await(c.get("k")))
        .isInstanceOf(RedisUnavailableException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void manyThreadsShareOneConnection() throws Exception {
    // counts include this class's connector and the fixture's own INFO connection
    long before = redis.connectedClients();
    int threads = 8;
    int perThread = 500;
    try (RedisConnector shared = RedisConnector.create(RedisSettings.of(redis.uri()))) {
      AtomicInteger running = new AtomicInteger(threads);
      List<Thread> ts = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        ts.add(
            new Thread(
                () -> {
                  try {
                    for (int j = 0; j < perThread; j++) {
                      shared.await(shared.incr("shared"));
                    }
                  } finally {
                    running.decrementAndGet();
                  }
                }));
      }
      ts.forEach(Thread::start);
      long peak = 0;
      int samples = 0;
      do { // sampled while the threads run, so connections opened and closed per call show too
        peak = Math.max(peak, redis.connectedClients());
        samples++;
      } while (running.get() > 0);
      for (Thread t : ts) {
        t.join();
      }
      long after = redis.connectedClients();
      assertThat(shared.await(shared.incr("shared"))).isEqualTo((long) threads * perThread + 1);
      assertThat(after - before).as("client connections the connector added").isEqualTo(1);
      assertThat(peak - before)
          .as("client connections added at the peak of %s samples under 8 threads", samples)
          .isEqualTo(1);
    }
  }

  private static boolean ping(RedisConnector c) {
    try {
      return "PONG".equals(c.await(c.ping()));
    } catch (RedisException e) {
      return false;
    }
  }

  private static void publishQuietly(RedisConnector c, String msg) {
    try {
      c.await(c.publish("news", msg.getBytes(UTF_8)));
    } catch (RedisException e) {
      // not reconnected yet
    }
  }
}
