package io.headroom.sharding.internal;

import io.headroom.core.Checks;

/**
 * The routing function of {@code headroom-sharding}, written down in the module README so that a
 * service in another language routes the same keys to the same buckets. Not API.
 *
 * <ol>
 *   <li>A 64-bit hash of the key: FNV-1a 64 over its bytes (strings: their UTF-8 encoding), then
 *       XOR the byte count; a {@code long} key is taken as is.
 *   <li>{@link #mix64(long)}: the SplitMix64 finalizer.
 *   <li>{@link #jump(long, int)}: jump consistent hash (Lamping and Veach 2014) of that value.
 * </ol>
 *
 * <p>Routing is a storage contract: a row lives on the shard its key hashed to when it was written,
 * so these functions never change. Stateless and thread-safe; nothing here allocates.
 */
public final class Routing {
  /** FNV-1a 64 offset basis. */
  public static final long FNV_OFFSET = 0xCBF29CE484222325L;

  /** FNV-1a 64 prime. */
  public static final long FNV_PRIME = 0x100000001B3L;

  private static final double TWO_POW_31 = 2147483648.0;

  private Routing() {}

  /**
   * The SplitMix64 finalizer (Steele, Lea and Flood 2014) applied to {@code x} plus the golden
   * gamma {@code 0x9E3779B97F4A7C15}: a bijection on 64-bit values with full avalanche, so {@code
   * 0, 1, 2, ...} come out uniformly spread.
   */
  public static long mix64(long x) {
    long z = x + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** {@code mix64(fnv1a64(bytes) ^ bytes.length)}. */
  public static long hashBytes(byte[] bytes) {
    long h = FNV_OFFSET;
    for (byte b : bytes) {
      h = (h ^ (b & 0xFF)) * FNV_PRIME;
    }
    return mix64(h ^ bytes.length);
  }

  /**
   * {@code hashBytes(s.getBytes(UTF_8))}, computed without encoding the string into an array: the
   * UTF-8 bytes are produced on the fly from the chars, a surrogate pair as the 4 bytes of its code
   * point, and an unpaired surrogate as {@code '?'} (0x3F), as {@link String#getBytes} does.
   */
  public static long hashUtf8(String s) {
    long h = FNV_OFFSET;
    long length = 0;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      int c = s.charAt(i);
      if (c < 0x80) {
        h = (h ^ c) * FNV_PRIME;
        length++;
      } else if (c < 0x800) {
        h = (h ^ (0xC0 | (c >>> 6))) * FNV_PRIME;
        h = (h ^ (0x80 | (c & 0x3F))) * FNV_PRIME;
        length += 2;
      } else if (c < 0xD800 || c > 0xDFFF) {
        h = (h ^ (0xE0 | (c >>> 12))) * FNV_PRIME;
        h = (h ^ (0x80 | ((c >>> 6) & 0x3F))) * FNV_PRIME;
        h = (h ^ (0x80 | (c & 0x3F))) * FNV_PRIME;
        length += 3;
      } else if (c <= 0xDBFF && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint((char) c, s.charAt(++i));
        h = (h ^ (0xF0 | (cp >>> 18))) * FNV_PRIME;
        h = (h ^ (0x80 | ((cp >>> 12) & 0x3F))) * FNV_PRIME;
        h = (h ^ (0x80 | ((cp >>> 6) & 0x3F))) * FNV_PRIME;
        h = (h ^ (0x80 | (cp & 0x3F))) * FNV_PRIME;
        length += 4;
      } else {
        h = (h ^ '?') * FNV_PRIME;
        length++;
      }
    }
    return mix64(h ^ length);
  }

  /**
   * Jump consistent hash (Lamping and Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm",
   * 2014) of an already well-mixed {@code hash}: a 64-bit LCG ({@code k * 2862933555777941757 + 1})
   * drives jumps whose expected count is {@code ln(buckets) + 1}. Agrees with Guava's {@code
   * Hashing.consistentHash(long, int)} on the same input.
   *
   * @return a bucket in {@code [0, buckets)}; {@code buckets} must be positive (not checked)
   */
  public static int jump(long hash, int buckets) {
    long b = -1;
    long j = 0;
    long k = hash;
    while (j < buckets) {
      b = j;
      k = k * 2862933555777941757L + 1;
      j = (long) ((b + 1) * (TWO_POW_31 / (double) ((k >>> 33) + 1)));
    }
    return (int) b;
  }

  /**
   * Jump consistent hash of a raw {@code long} key, mixed first with {@link #mix64(long)}: the
   * allocation-free form of {@code ShardRouter.jump(buckets, KeyHasher.longs()).bucket(key)}.
   *
   * @throws IllegalArgumentException if {@code buckets < 1}
   */
  public static int jumpBucket(long key, int buckets) {
    Checks.positive(buckets, "buckets");
    return jump(mix64(key), buckets);
  }
}
