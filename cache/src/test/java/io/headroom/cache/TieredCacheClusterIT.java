package io.headroom.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.headroom.redis.RedisConnector;
import io.headroom.redis.RedisKeys;
import io.headroom.redis.RedisSettings;
import io.headroom.testkit.fixtures.RedisClusterFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract on L1 over a six-node Redis Cluster, plus what only a Cluster shows. */
class TieredCacheClusterIT extends TieredCacheContract {
  @RegisterExtension static final RedisClusterFixture cluster = RedisClusterFixture.sixNodes();

  private @Nullable RedisConnector raw;

  @BeforeEach
  void clean() {
    cluster.flushAll();
  }

  @Override
  TieredCache.Builder<String, String> withBackend(TieredCache.Builder<String, String> b) {
    return b.remote(connector(), REMOTE_TTL)
        .codec(CacheCodec.string())
        .keyCodec(KeyCodec.strings());
  }

  @Override
  Long l2TtlMillis(DefaultTieredCache<String, String> cache, String key) {
    RedisConnector c = raw;
    if (c == null) {
      c = connector();
      raw = c;
    }
    return c.await(c.pttl(cache.redisKey(key)));
  }

  private RedisConnector connector() {
    return track(
        RedisConnector.create(
            RedisSettings.builder()
                .uri(cluster.seeds())
                .commandTimeout(Duration.ofSeconds(5))
                .build()));
  }

  private DefaultTieredCache<String, String> node(String name) {
    return build(
        TieredCache.<String, String>builder(name)
            .local(1_000, Duration.ofMinutes(5))
            .remote(connector(), Duration.ofMinutes(10))
            .codec(CacheCodec.string())
            .keyCodec(KeyCodec.strings())
            .bulkLoader(keys -> Map.of())
            .loader(k -> null));
  }

  /** One key routed to each primary, to read INFO there. */
  private static List<String> oneKeyPerPrimary() {
    Map<Integer, String> byPort = new LinkedHashMap<>();
    for (int i = 0; byPort.size() < 3 && i < 10_000; i++) {
      String key = "probe" + i;
      byPort.putIfAbsent(cluster.primaryPortOf(key), key);
    }
    return new ArrayList<>(byPort.values());
  }

  private static long mgetCalls(RedisConnector c, List<String> probes) {
    long sum = 0;
    for (String probe : probes) {
      sum += RedisInfo.calls(c, probe, "mget");
    }
    return sum;
  }

  @Test
  void getAllAcrossSlotsReturnsTheRightValuesWithOneMgetPerSlot() {
    DefaultTieredCache<String, String> writer = node("users");
    DefaultTieredCache<String, String> reader = node("users");
    List<String> keys = new ArrayList<>();
    Set<Integer> slots = new HashSet<>();
    for (int tag = 0; tag < 10; tag++) {
      for (int i = 0; i < 5; i++) {
        String key = "{t" + tag + "}:" + i;
        keys.add(key);
        writer.put(key, "value-" + key);
        slots.add(RedisKeys.slot(reader.redisKey(key)));
      }
    }
    assertThat(slots).hasSize(10);
    List<String> probes = oneKeyPerPrimary();
    assertThat(probes).hasSize(3);
    RedisConnector raw = connector();
    long before = mgetCalls(raw, probes);
    Map<String, String> got = reader.getAll(keys);
    long after = mgetCalls(raw, probes);
    assertThat(got).hasSize(50);
    for (String key : keys) {
      assertThat(got.get(key)).isEqualTo("value-" + key);
    }
    assertThat(after - before).isEqualTo(slots.size()); // one MGET per slot group, pipelined
    assertThat(reader.stats().l2Hits()).isEqualTo(50);
  }

  @Test
  void invalidationsReachOtherNodesThroughTheCluster() {
    DefaultTieredCache<String, String> a = node("users");
    DefaultTieredCache<String, String> b = node("users");
    a.put("u1", "v1");
    await().atMost(Duration.ofSeconds(10)).until(() -> b.stats().invalidationsReceived() >= 1);
    assertThat(b.get("u1")).isEqualTo("v1");
    assertThat(b.l1Contains("u1")).isTrue();
    a.put("u1", "v2");
    await().atMost(Duration.ofSeconds(10)).until(() -> b.stats().invalidationsReceived() >= 2);
    assertThat(b.l1Contains("u1")).isFalse();
    assertThat(b.get("u1")).isEqualTo("v2");
    a.invalidateAll();
    await().atMost(Duration.ofSeconds(10)).until(() -> b.currentGeneration() == 1);
    assertThat(b.get("u1")).isNull();
  }
}
