package io.headroom.redis;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.headroom.testkit.fixtures.RedisClusterFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterIT {
  @RegisterExtension static final RedisClusterFixture cluster = RedisClusterFixture.sixNodes();

  private static RedisConnector connector;

  @BeforeAll
  static void connect() {
    connector =
        RedisConnector.create(
            RedisSettings.builder()
                .uri(cluster.seeds())
                .reconnectDelayMax(Duration.ofMillis(300))
                .build());
  }

  @AfterAll
  static void close() {
    connector.close();
  }

  @Test
  @Order(1)
  void multiKeyScriptWithOneHashTagWorks() {
    assertThat(connector.mode()).isEqualTo(RedisMode.CLUSTER);
    RedisScript<Long> transfer =
        RedisScript.of(
            "transfer",
            "redis.call('DECRBY', KEYS[1], ARGV[1]); return redis.call('INCRBY', KEYS[2], ARGV[1])",
            ScriptOutput.INTEGER);
    RedisKeys keys = RedisKeys.namespace("it");
    List<String> k = List.of(keys.tagged("acct:7", "a"), keys.tagged("acct:7", "b"));
    assertThat(connector.await(transfer.run(connector, k, List.of(3)))).isEqualTo(3);
    assertThat(connector.await(transfer.run(connector, k, List.of(4)))).isEqualTo(7);
    assertThat(new String(connector.await(connector.get(k.get(0))), UTF_8)).isEqualTo("-7");
  }

  @Test
  @Order(2)
  void scriptsSurviveScriptFlushOnEveryNode() {
    RedisScript<Long> one =
        RedisScript.of("one", "return redis.call('INCR', KEYS[1])", ScriptOutput.INTEGER);
    List<Long> seen = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      seen.add(connector.await(one.run(connector, List.of("{n" + i + "}"), List.of())));
    }
    cluster.scriptFlush();
    for (int i = 0; i < 20; i++) {
      seen.add(connector.await(one.run(connector, List.of("{n" + i + "}"), List.of())));
    }
    assertThat(seen.subList(20, 40)).containsOnly(2L);
  }

  @Test
  @Order(3)
  void mgetAndDelAcrossSlotsKeepTheOrder() {
    List<String> keys = new ArrayList<>();
    Set<Integer> slots = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      String key = "mget:" + i;
      keys.add(key);
      slots.add(RedisKeys.slot(key));
      if (i % 2 == 0) {
        connector.await(connector.set(key, ("v" + i).getBytes(UTF_8), Duration.ofMinutes(1)));
      }
    }
    assertThat(slots.size()).isGreaterThan(10);
    List<byte[]> values = connector.await(connector.mget(keys));
    for (int i = 0; i < 50; i++) {
      if (i % 2 == 0) {
        assertThat(new String(values.get(i), UTF_8)).isEqualTo("v" + i);
      } else {
        assertThat(values.get(i)).isNull();
      }
    }
    assertThat(connector.await(connector.del(keys))).isEqualTo(25);
  }

  @Test
  @Order(4)
  void publishReachesASubscriberOnAnotherNode() {
    List<String> got = new CopyOnWriteArrayList<>();
    try (RedisSubscription sub =
        connector.subscribe(
            "cluster-news",
            new RedisMessageListener() {
              @Override
              public void onMessage(String channel, byte[] message) {
                got.add(new String(message, UTF_8));
              }
            })) {
      await().atMost(5, TimeUnit.SECONDS).until(sub::isActive);
      connector.await(connector.publish("cluster-news", "hello".getBytes(UTF_8)));
      await().atMost(5, TimeUnit.SECONDS).until(() -> got.contains("hello"));
    }
  }

  @Test
  @Order(5)
  void commandsContinueAfterThePrimaryOfTheirSlotFails() {
    String key = "{failover}:k";
    connector.await(connector.set(key, "1".getBytes(UTF_8), Duration.ofMinutes(5)));
    int owner = cluster.primaryPortOf(key);
    assertThat(cluster.ports()).contains(owner);
    int port = cluster.killPrimaryOf(key);
    assertThat(port).isEqualTo(owner);
    cluster.awaitFailover();
    await()
        .atMost(30, TimeUnit.SECONDS)
        .ignoreExceptions()
        .until(
            () -> {
              connector.await(connector.set(key, "2".getBytes(UTF_8), Duration.ofMinutes(5)));
              return "2".equals(new String(connector.await(connector.get(key)), UTF_8));
            });
    cluster.restart(port);
  }
}
