package io.headroom.idgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.Settings;
import io.headroom.core.SettingsException;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ShortCodesTest {
  private static final String ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private final ShortCodes codes = ShortCodes.withKey(0x1234_5678_9ABC_DEF0L);

  @Test
  void roundTripsEdgeIds() {
    long[] edges = {
      0,
      1,
      2,
      61,
      62,
      63,
      4095,
      4096,
      Integer.MAX_VALUE,
      1L << 32,
      (1L << 32) - 1,
      Long.MAX_VALUE,
      Long.MAX_VALUE - 1,
      1L << 62,
      (1L << 62) - 1
    };
    for (long id : edges) {
      String code = codes.encode(id);
      assertThat(code).matches("[0-9A-Za-z]{1,11}").doesNotStartWith("0");
      assertThat(codes.decode(code)).as("decode(encode(%s))", id).isEqualTo(id);
    }
  }

  @Test
  void roundTripsRandomIdsUnderRandomKeys() {
    SplittableRandom random = new SplittableRandom(42);
    for (int k = 0; k < 20; k++) {
      ShortCodes keyed = ShortCodes.withKey(random.nextLong());
      for (int i = 0; i < 10_000; i++) {
        long id = random.nextLong() >>> (1 + random.nextInt(63)); // all magnitudes
        assertThat(keyed.decode(keyed.encode(id))).isEqualTo(id);
      }
    }
  }

  @Test
  void permutationIsABijectionOnAllSixtyFourBits() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 100_000; i++) {
      long x = random.nextLong();
      assertThat(codes.unpermute(codes.permute(x))).isEqualTo(x);
    }
  }

  @Test
  void adjacentIdsGiveCodesThatDifferBeyondTheLastCharacter() {
    SplittableRandom random = new SplittableRandom(3);
    Set<String> seen = new HashSet<>();
    long start = 306_298_232_461_402_112L; // a typical Snowflake ID
    for (int n = 0; n < 2_000; n++) {
      long id = n < 1_000 ? start + n : random.nextLong(Long.MAX_VALUE);
      String a = codes.encode(id);
      String b = codes.encode(id + 1);
      assertThat(prefix(a)).as("codes of %s and %s", id, id + 1).isNotEqualTo(prefix(b));
      assertThat(seen.add(a)).isTrue();
    }
  }

  @Test
  void codesDependOnTheKey() {
    ShortCodes other = ShortCodes.withKey(0x1234_5678_9ABC_DEF1L);
    assertThat(other.encode(12345)).isNotEqualTo(codes.encode(12345));
    ShortCodes secret = ShortCodes.withSecret("correct horse battery staple");
    assertThat(ShortCodes.withSecret("correct horse battery staple").encode(99))
        .isEqualTo(secret.encode(99));
    assertThat(secret.decode(secret.encode(99))).isEqualTo(99);
    assertThat(secret.toString()).doesNotContain("horse");
  }

  @Test
  void readsTheSecretFromSettingsAndRequiresIt() {
    ShortCodes fromSettings =
        ShortCodes.fromSettings(
            Settings.of(Map.of("HEADROOM_IDGEN_SHORTCODE_SECRET", "correct horse battery staple")));
    assertThat(fromSettings.encode(99))
        .isEqualTo(ShortCodes.withSecret("correct horse battery staple").encode(99));
    assertThatThrownBy(() -> ShortCodes.fromSettings(Settings.empty()))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("HEADROOM_IDGEN_SHORTCODE_SECRET");
  }

  @Test
  void rejectsANegativeId() {
    assertThatThrownBy(() -> codes.encode(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("id must be >= 0: -1");
  }

  @Test
  void rejectsCodesWithBadCharacters() {
    assertThatThrownBy(() -> codes.decode("abc-def"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("short code has a bad character at index 3 (only 0-9, A-Z, a-z): 'abc-def'");
    assertThatThrownBy(() -> codes.decode("abcé"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad character at index 3");
    assertThatThrownBy(() -> codes.decode(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("short code must not be empty");
  }

  @Test
  void rejectsCodesThatAreTooLong() {
    assertThatThrownBy(() -> codes.decode("abcdefghijkl"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("short code is too long: 12 characters, at most 11: 'abcdefghijkl'");
  }

  @Test
  void rejectsCodesWhoseValueIsOutOfRange() {
    // 2^64 in base62 is the smallest out-of-range value; "zzzzzzzzzzz" is 62^11 - 1.
    String twoTo64 = base62(BigInteger.ONE.shiftLeft(64));
    assertThat(twoTo64).hasSize(11);
    for (String code : new String[] {twoTo64, "zzzzzzzzzzz"}) {
      assertThatThrownBy(() -> codes.decode(code))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("short code is out of range (its value exceeds 2^64 - 1): '" + code + "'");
    }
    // 2^64 - 1 itself is in range. Under this test's key its preimage is negative, so it is
    // refused as not an ID (not as out of range); under key 3 it is the code of an ID.
    String max = base62(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE));
    assertThatThrownBy(() -> codes.decode(max))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("short code does not decode to a valid ID under this key: '" + max + "'");
    ShortCodes key3 = ShortCodes.withKey(3);
    assertThat(key3.decode(max)).isEqualTo(2_296_669_474_655_215_152L);
    assertThat(key3.encode(2_296_669_474_655_215_152L)).isEqualTo(max);
  }

  @Test
  void rejectsCodesThatDecodeToANegativeIdOrHaveALeadingZero() {
    long scrambled = codes.permute(-12345L);
    String code = base62(new BigInteger(Long.toUnsignedString(scrambled)));
    assertThatThrownBy(() -> codes.decode(code))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("short code does not decode to a valid ID under this key: '" + code + "'");
    String valid = codes.encode(77);
    assertThatThrownBy(() -> codes.decode("0" + valid.substring(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not start with '0'");
  }

  private static String prefix(String code) {
    return code.substring(0, code.length() - 1);
  }

  private static String base62(BigInteger value) {
    StringBuilder sb = new StringBuilder();
    BigInteger sixtyTwo = BigInteger.valueOf(62);
    BigInteger v = value;
    do {
      BigInteger[] qr = v.divideAndRemainder(sixtyTwo);
      sb.append(ALPHABET.charAt(qr[1].intValue()));
      v = qr[0];
    } while (v.signum() > 0);
    return sb.reverse().toString();
  }
}
