package io.headroom.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RedisKeysTest {

  @Test
  void namespaceJoinsParts() {
    RedisKeys keys = RedisKeys.namespace("headroom:rl");
    assertThat(keys.prefix()).isEqualTo("headroom:rl:");
    assertThat(keys.key("a", "b")).isEqualTo("headroom:rl:a:b");
    assertThat(RedisKeys.namespace("x:").key("y")).isEqualTo("x:y");
  }

  @Test
  void taggedKeysOfOneSubjectShareASlot() {
    RedisKeys keys = RedisKeys.namespace("headroom:rl");
    String a = keys.tagged("user:42", "api", "60s");
    String b = keys.tagged("user:42", "auth");
    assertThat(a).isEqualTo("headroom:rl:{user:42}:api:60s");
    assertThat(RedisKeys.slot(a)).isEqualTo(RedisKeys.slot(b));
    assertThat(RedisKeys.slot("{user:42}")).isEqualTo(RedisKeys.slot(a));
  }

  @Test
  void bracesInsideASubjectCannotEndTheTagEarly() {
    assertThat(RedisKeys.hashTag("a}b{c")).isEqualTo("{a)b(c}");
  }

  @Test
  void slotIsTheClusterSlot() {
    // CLUSTER KEYSLOT foo = 12182, CLUSTER KEYSLOT {user1000}.following = 3443 (redis.io docs)
    assertThat(RedisKeys.slot("foo")).isEqualTo(12182);
    assertThat(RedisKeys.slot("{user1000}.following")).isEqualTo(RedisKeys.slot("user1000"));
  }

  @Test
  void badInputIsNamed() {
    assertThatThrownBy(() -> RedisKeys.namespace(" ")).hasMessageContaining("namespace");
    assertThatThrownBy(() -> RedisKeys.namespace("{x}")).hasMessageContaining("hash tag");
    assertThatThrownBy(() -> RedisKeys.hashTag("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> RedisKeys.namespace("n").key()).hasMessageContaining("part");
  }
}
