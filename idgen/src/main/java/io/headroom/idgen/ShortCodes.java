package io.headroom.idgen;

import io.headroom.core.Checks;
import io.headroom.core.Settings;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Turns IDs into short base62 codes and back. The 64 bits of the ID first go through a keyed,
 * reversible permutation (an 8-round Feistel network over two 32-bit halves), so consecutive IDs
 * give codes that look unrelated, and then through base62 ({@code 0-9A-Za-z}): at most 11
 * characters.
 *
 * <pre>{@code
 * ShortCodes codes = ShortCodes.fromSettings(Settings.fromEnvironment()); // HEADROOM_IDGEN_SHORTCODE_SECRET
 * String code = codes.encode(id);          // "3kTMd9QzXbE"
 * long back = codes.decode(code);          // id
 * }</pre>
 *
 * <p>The permutation hides the order and rate of IDs from a casual observer; it is not a cipher
 * with a security proof, so keep authorization checks on whatever a code unlocks. The key must stay
 * the same for the lifetime of the codes.
 *
 * <p>Immutable and thread-safe.
 */
public final class ShortCodes {

  /** The longest code: 62^11 > 2^64. */
  public static final int MAX_LENGTH = 11;

  private static final int ROUNDS = 8;
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private static final char[] ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final byte[] DIGITS = new byte[128];

  static {
    Arrays.fill(DIGITS, (byte) -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      DIGITS[ALPHABET[i]] = (byte) i;
    }
  }

  private final long[] roundKeys;

  private ShortCodes(long seed0, long seed1) {
    roundKeys = new long[ROUNDS];
    for (int i = 1; i <= ROUNDS; i++) {
      roundKeys[i - 1] = mix64(seed0 + i * GOLDEN) ^ mix64(seed1 - i * GOLDEN);
    }
  }

  /** The setting {@link #fromSettings(Settings)} reads: the secret the key is derived from. */
  public static final String SECRET_KEY = "HEADROOM_IDGEN_SHORTCODE_SECRET";

  /**
   * Codes scrambled with the secret in {@value #SECRET_KEY}; same as {@link #withSecret(String)}.
   * There is no default: a built-in key would be public.
   *
   * @throws io.headroom.core.SettingsException naming the key if it is absent
   */
  public static ShortCodes fromSettings(Settings settings) {
    return withSecret(Checks.notNull(settings, "settings").require(SECRET_KEY));
  }

  /** Codes scrambled with a 64-bit key. */
  public static ShortCodes withKey(long key) {
    return new ShortCodes(key, mix64(key ^ 0x5DEECE66DL));
  }

  /**
   * Codes scrambled with a key derived from {@code secret} (SHA-256, 128 bits kept).
   *
   * @throws IllegalArgumentException if {@code secret} is blank
   */
  public static ShortCodes withSecret(String secret) {
    Checks.notBlank(secret, "secret");
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      ByteBuffer b = ByteBuffer.wrap(digest);
      return new ShortCodes(b.getLong(), b.getLong());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * The code of {@code id}: 1 to {@value #MAX_LENGTH} characters of {@code [0-9A-Za-z]}.
   *
   * @throws IllegalArgumentException if {@code id} is negative
   */
  public String encode(long id) {
    if (id < 0) {
      throw new IllegalArgumentException("id must be >= 0: " + id);
    }
    long v = permute(id);
    char[] buf = new char[MAX_LENGTH];
    int pos = MAX_LENGTH;
    // The first digit treats v as unsigned; after it the quotient fits a positive long.
    long q = Long.divideUnsigned(v, 62);
    buf[--pos] = ALPHABET[(int) (v - q * 62)];
    v = q;
    while (v != 0) {
      q = v / 62;
      buf[--pos] = ALPHABET[(int) (v - q * 62)];
      v = q;
    }
    return new String(buf, pos, MAX_LENGTH - pos);
  }

  /**
   * The ID whose code is {@code code}.
   *
   * @throws NullPointerException if {@code code} is null
   * @throws IllegalArgumentException if {@code code} is empty, longer than {@value #MAX_LENGTH},
   *     has a character outside {@code [0-9A-Za-z]} or a leading zero, is above 2^64 - 1, or does
   *     not decode to a valid (non-negative) ID under this key
   */
  public long decode(String code) {
    Checks.notNull(code, "code");
    int n = code.length();
    if (n == 0) {
      throw new IllegalArgumentException("short code must not be empty");
    }
    if (n > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "short code is too long: "
              + n
              + " characters, at most "
              + MAX_LENGTH
              + ": '"
              + abbreviate(code)
              + "'");
    }
    if (n > 1 && code.charAt(0) == '0') {
      throw new IllegalArgumentException(
          "short code must not start with '0' (not a code this encoder makes): '" + code + "'");
    }
    long v = 0;
    for (int i = 0; i < n; i++) {
      char c = code.charAt(i);
      int d = c < 128 ? DIGITS[c] : -1;
      if (d < 0) {
        throw new IllegalArgumentException(
            "short code has a bad character at index "
                + i
                + " (only 0-9, A-Z, a-z): '"
                + code
                + "'");
      }
      // v * 62 + d must stay below 2^64: checked unsigned before the last digit only matters.
      long hi = Math.multiplyHigh(v, 62) + ((v >> 63) & 62); // unsigned high word of v * 62
      long lo = v * 62;
      long sum = lo + d;
      if (hi != 0 || Long.compareUnsigned(sum, lo) < 0) {
        throw new IllegalArgumentException(
            "short code is out of range (its value exceeds 2^64 - 1): '" + code + "'");
      }
      v = sum;
    }
    long id = unpermute(v);
    if (id < 0) {
      throw new IllegalArgumentException(
          "short code does not decode to a valid ID under this key: '" + code + "'");
    }
    return id;
  }

  long permute(long x) {
    int l = (int) (x >>> 32);
    int r = (int) x;
    for (int i = 0; i < ROUNDS; i++) {
      int t = r;
      r = l ^ round(r, roundKeys[i]);
      l = t;
    }
    return ((long) l << 32) | (r & 0xFFFFFFFFL);
  }

  long unpermute(long x) {
    int l = (int) (x >>> 32);
    int r = (int) x;
    for (int i = ROUNDS - 1; i >= 0; i--) {
      int t = l;
      l = r ^ round(l, roundKeys[i]);
      r = t;
    }
    return ((long) l << 32) | (r & 0xFFFFFFFFL);
  }

  private static int round(int half, long key) {
    return (int) (mix64((half & 0xFFFFFFFFL) ^ key) >>> 32);
  }

  /** SplitMix64's finalizer (Stafford variant 13). */
  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static String abbreviate(String s) {
    return s.length() <= 32 ? s : s.substring(0, 32) + "...";
  }

  @Override
  public String toString() {
    return "ShortCodes{key=***}";
  }
}
