package io.headroom.sharding;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.sharding.internal.Routing;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The routing function's test vectors, the same table as in the module README: another language
 * reproduces string routing by matching these. Routing is a storage contract, so a change here is a
 * data migration, never a refactoring.
 */
class RoutingVectorsTest {

  @ParameterizedTest(name = "\"{0}\"")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '\'',
      value = {
        "''           | C3817C016BA4FF30 | 0 | 0 | 9 | 994",
        "a            | C0FC99FEA7AB959C | 0 | 0 | 0 | 273",
        "abc          | AE8F9D04AD1DC10D | 0 | 1 | 7 | 594",
        "hello        | C216A813E438989C | 0 | 1 | 7 | 788",
        "héllo        | A37B85ADDE3F0B61 | 0 | 0 | 5 | 447",
        "日本          | E0AB902EEB280165 | 0 | 1 | 3 | 729",
        "😀           | CC19D30DF0AD5306 | 0 | 1 | 4 | 640",
        "user:42      | 6D2681DFE247FA80 | 0 | 0 | 7 | 213",
        "aZ3kQ9x      | AC12523A7FEAEA1A | 0 | 0 | 7 | 290",
        "Straße       | B0338AB987C9B0C1 | 0 | 1 | 1 | 649",
        "🇫🇷          | 239FBE489569E05C | 0 | 0 | 4 | 24",
        "'naïve café' | 60BB6B775A861E8C | 0 | 0 | 4 | 712",
      })
  void stringKeysRouteAsTheReadmeSays(String key, String hash, int n1, int n2, int n10, int n1000) {
    String k = key == null ? "" : key;
    assertThat(KeyHasher.strings().hash(k)).isEqualTo(Long.parseUnsignedLong(hash, 16));
    assertThat(ShardRouter.jump(1, KeyHasher.strings()).bucket(k)).isEqualTo(n1);
    assertThat(ShardRouter.jump(2, KeyHasher.strings()).bucket(k)).isEqualTo(n2);
    assertThat(ShardRouter.jump(10, KeyHasher.strings()).bucket(k)).isEqualTo(n10);
    assertThat(ShardRouter.jump(1000, KeyHasher.strings()).bucket(k)).isEqualTo(n1000);
  }

  @Test
  void theMixAndTheJumpArePinned() {
    assertThat(Routing.mix64(0)).isEqualTo(0xE220A8397B1DCDAFL);
    assertThat(KeyHasher.longs().hash(0L)).isEqualTo(0xE220A8397B1DCDAFL);
    assertThat(KeyHasher.bytes().hash(new byte[0])).isEqualTo(Routing.mix64(Routing.FNV_OFFSET));
    assertThat(Routing.jumpBucket(0, 1024))
        .isEqualTo(ShardRouter.jump(1024, KeyHasher.longs()).bucket(0L));
  }

  @Test
  void stringsHashAsTheirUtf8Bytes() {
    SplittableRandom random = new SplittableRandom(13);
    // Every UTF-8 length (1 to 4 bytes), surrogate pairs, and unpaired surrogates anywhere.
    char[] pool = {'a', 'Z', '0', 'é', 'ß', 'ж', '日', '本', '\uFFFD', '\uD83D', '\uDE00', '\uDBFF'};
    for (int i = 0; i < 20_000; i++) {
      char[] chars = new char[random.nextInt(12)];
      for (int c = 0; c < chars.length; c++) {
        chars[c] =
            random.nextInt(4) == 0
                ? (char) random.nextInt(0x10000)
                : pool[random.nextInt(pool.length)];
      }
      String s = new String(chars);
      assertThat(KeyHasher.strings().hash(s))
          .as("key %s", s.chars().mapToObj(Integer::toHexString).toList())
          .isEqualTo(KeyHasher.bytes().hash(s.getBytes(StandardCharsets.UTF_8)));
    }
  }

  @Test
  void jumpBucketMatchesTheRouter() {
    ShardRouter<Long> r = ShardRouter.jump(1000, KeyHasher.longs());
    for (long k = 0; k < 10_000; k++) {
      assertThat(Routing.jumpBucket(k, 1000)).isEqualTo(r.bucket(k));
    }
  }
}
