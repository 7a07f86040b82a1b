package io.headroom.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.Settings;
import io.headroom.core.SettingsException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisSettingsTest {

  @Test
  void defaultsAreFailFast() {
    RedisSettings s = RedisSettings.builder().build();
    assertThat(s.uri()).isEqualTo("redis://127.0.0.1:6379");
    assertThat(s.mode()).isEqualTo(RedisMode.STANDALONE);
    assertThat(s.commandTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.requestQueueSize()).isEqualTo(10_000);
    assertThat(s.reconnectDelayMax()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void standaloneWithPasswordAndDatabase() {
    RedisSettings s = RedisSettings.of("redis://app:s3cret@cache.internal:6380/2");
    assertThat(s.mode()).isEqualTo(RedisMode.STANDALONE);
    assertThat(s.endpoints()).containsExactly("redis://app:s3cret@cache.internal:6380/2");
    assertThat(s.maskedUri()).isEqualTo("redis://app:***@cache.internal:6380/2");
  }

  @Test
  void portDefaultsTo6379() {
    assertThat(RedisSettings.of("redis://cache").endpoints()).containsExactly("redis://cache:6379");
    assertThat(RedisSettings.of("rediss://:pw@cache/1").endpoints())
        .containsExactly("rediss://:pw@cache:6379/1");
  }

  @Test
  void tlsScheme() {
    RedisSettings s = RedisSettings.of("rediss://cache:6380");
    assertThat(s.mode()).isEqualTo(RedisMode.STANDALONE);
    assertThat(s.endpoints()).containsExactly("rediss://cache:6380");
  }

  @Test
  void commaSeparatedSeedsAreACluster() {
    RedisSettings s = RedisSettings.of("redis://:pw@a:7000,redis://b:7001,c:7002");
    assertThat(s.mode()).isEqualTo(RedisMode.CLUSTER);
    assertThat(s.endpoints())
        .containsExactly("redis://:pw@a:7000", "redis://:pw@b:7001", "redis://:pw@c:7002");
    assertThat(s.toString()).doesNotContain("pw").contains(":***@");
  }

  @Test
  void clusterScheme() {
    RedisSettings s = RedisSettings.of("redis-cluster://a:7000,b:7001");
    assertThat(s.mode()).isEqualTo(RedisMode.CLUSTER);
    assertThat(s.endpoints()).containsExactly("redis://a:7000", "redis://b:7001");
    assertThat(RedisSettings.of("rediss-cluster://a:7000").endpoints())
        .containsExactly("rediss://a:7000");
  }

  @Test
  void sentinel() {
    RedisSettings s = RedisSettings.of("redis-sentinel://:pw@s1:26379,s2:26379/0#mymaster");
    assertThat(s.mode()).isEqualTo(RedisMode.SENTINEL);
    assertThat(s.maskedUri()).isEqualTo("redis-sentinel://:***@s1:26379,s2:26379/0#mymaster");
  }

  @Test
  void badUrisNameTheSettingAndTheMaskedValue() {
    assertThatThrownBy(() -> RedisSettings.of("http://x:1"))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("http://x:1")
        .hasMessageContaining("unknown scheme");
    assertThatThrownBy(() -> RedisSettings.of("redis://:pw@host:99999"))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("port")
        .hasMessageNotContaining("pw@");
    assertThatThrownBy(() -> RedisSettings.of("redis://host:6379/x"))
        .hasMessageContaining("database must be a number");
    assertThatThrownBy(() -> RedisSettings.of("redis://a:1,b:2/3"))
        .hasMessageContaining("only database 0");
    assertThatThrownBy(() -> RedisSettings.of("redis://a:1,,b:2"))
        .hasMessageContaining("empty entry");
    assertThatThrownBy(() -> RedisSettings.of("redis-sentinel://s1:26379"))
        .hasMessageContaining("#mymaster");
  }

  @Test
  void fromSettingsReadsEveryKeyAndNamesTheBadOne() {
    RedisSettings s =
        RedisSettings.from(
            Settings.of(
                Map.of(
                    "HEADROOM_REDIS_URL", "redis://r:6379",
                    "HEADROOM_REDIS_COMMAND_TIMEOUT", "250ms",
                    "HEADROOM_REDIS_CONNECT_TIMEOUT", "2s",
                    "HEADROOM_REDIS_REQUEST_QUEUE_SIZE", "64",
                    "HEADROOM_REDIS_RECONNECT_DELAY_MAX", "1s",
                    "HEADROOM_REDIS_TOPOLOGY_REFRESH", "10s",
                    "HEADROOM_REDIS_CLIENT_NAME", "orders")));
    assertThat(s.uri()).isEqualTo("redis://r:6379");
    assertThat(s.commandTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.requestQueueSize()).isEqualTo(64);
    assertThat(s.reconnectDelayMax()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.topologyRefresh()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.clientName()).contains("orders");

    assertThatThrownBy(
            () -> RedisSettings.from(Settings.of(Map.of("HEADROOM_REDIS_COMMAND_TIMEOUT", "soon"))))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("HEADROOM_REDIS_COMMAND_TIMEOUT")
        .hasMessageContaining("soon");
    assertThatThrownBy(
            () -> RedisSettings.from(Settings.of(Map.of("HEADROOM_REDIS_COMMAND_TIMEOUT", "0s"))))
        .hasMessageContaining("HEADROOM_REDIS_COMMAND_TIMEOUT");
    assertThatThrownBy(
            () -> RedisSettings.from(Settings.of(Map.of("HEADROOM_REDIS_REQUEST_QUEUE_SIZE", "0"))))
        .hasMessageContaining("HEADROOM_REDIS_REQUEST_QUEUE_SIZE=0");
    assertThatThrownBy(
            () ->
                RedisSettings.from(
                    Settings.of(Map.of("HEADROOM_REDIS_URL", "redis://:hunter2@h:0"))))
        .hasMessageContaining("HEADROOM_REDIS_URL")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void fromEmptySettingsIsTheDefaults() {
    assertThat(RedisSettings.from(Settings.empty()).toString())
        .isEqualTo(RedisSettings.builder().build().toString());
    assertThatThrownBy(
            () -> RedisSettings.from(Settings.of(Map.of("HEADROOM_REDIS_TOPOLOGY_REFRESH", "0ms"))))
        .isInstanceOf(SettingsException.class)
        .hasMessage("HEADROOM_REDIS_TOPOLOGY_REFRESH=0ms: expected a duration > 0");
  }

  @Test
  void builderRejectsBadValuesNamingTheParameter() {
    assertThatThrownBy(() -> RedisSettings.builder().commandTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("commandTimeout");
    assertThatThrownBy(() -> RedisSettings.builder().requestQueueSize(0))
        .hasMessageContaining("requestQueueSize");
    assertThatThrownBy(() -> RedisSettings.builder().uri(" ")).hasMessageContaining("uri");
  }

  @Test
  void toBuilderRoundTrips() {
    RedisSettings s =
        RedisSettings.builder().uri("redis://h:1").commandTimeout(Duration.ofSeconds(1)).build();
    RedisSettings t = s.toBuilder().build();
    assertThat(t.toString()).isEqualTo(s.toString());
    assertThat(List.of(t.uri(), t.commandTimeout()))
        .containsExactly("redis://h:1", Duration.ofSeconds(1));
  }
}
