package io.headroom.sharding;

import io.headroom.core.Checks;
import java.util.UUID;
import java.util.function.ToLongFunction;

/**
 * Turns a key into a well-mixed 64-bit hash, the input of every hash-based {@link ShardRouter}.
 *
 * <p>Routing is a storage contract: a row lives on the shard its key hashed to when it was written,
 * so these functions are fixed forever. They do not depend on {@link Object#hashCode()}, the JVM,
 * the platform charset or the release of headroom.
 *
 * <pre>{@code
 * ShardRouter<Long> byUserId = ShardRouter.jump(1024, KeyHasher.longs());
 * ShardRouter<String> byCode = ShardRouter.jump(1024, KeyHasher.strings());
 * }</pre>
 *
 * <p>Implementations must be stateless and thread-safe, and must return a value whose every bit
 * depends on every input bit. A numeric key is never usable raw (ids are sequential, and jump hash
 * and the ring both assume uniform input): wrap it with {@link #of(ToLongFunction)} or {@link
 * #longs()}, which apply {@link #mix64(long)}.
 *
 * @param <K> the key type
 */
@FunctionalInterface
public interface KeyHasher<K> {

  /** Returns the well-mixed 64-bit hash of {@code key}. */
  long hash(K key);

  /** Hashes {@code long} keys (ids, Snowflake ids) through {@link #mix64(long)}. */
  static KeyHasher<Long> longs() {
    return Hashes.LONGS;
  }

  /**
   * Hashes strings: FNV-1a over the UTF-16 code units, then {@link #mix64(long)}. Equal strings
   * hash equally on every JVM; no bytes are allocated.
   */
  static KeyHasher<String> strings() {
    return Hashes.STRINGS;
  }

  /**
   * Hashes any {@link CharSequence} exactly as {@link #strings()} hashes the equal string (for keys
   * held in a {@code StringBuilder} or a {@code CharBuffer}).
   */
  static KeyHasher<CharSequence> charSequences() {
    return Hashes.CHAR_SEQUENCES;
  }

  /** Hashes byte arrays: FNV-1a over the bytes, then {@link #mix64(long)}. */
  static KeyHasher<byte[]> bytes() {
    return Hashes.BYTES;
  }

  /** Hashes UUIDs by mixing both halves. */
  static KeyHasher<UUID> uuids() {
    return Hashes.UUIDS;
  }

  /**
   * Hashes keys through a raw 64-bit extractor (an id field, say) followed by {@link #mix64(long)},
   * so sequential ids still spread evenly.
   *
   * @throws NullPointerException if {@code rawHash} is null
   */
  static <K> KeyHasher<K> of(ToLongFunction<? super K> rawHash) {
    Checks.notNull(rawHash, "rawHash");
    return key -> mix64(rawHash.applyAsLong(key));
  }

  /**
   * The SplitMix64 finalizer (Steele, Lea and Flood 2014) applied to {@code x} plus the golden
   * gamma: a bijection on 64-bit values with full avalanche, so {@code 0, 1, 2, ...} come out
   * uniformly spread.
   */
  static long mix64(long x) {
    long z = x + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}

/** The built-in hashers. */
final class Hashes {
  static final long FNV_OFFSET = 0xCBF29CE484222325L;
  static final long FNV_PRIME = 0x100000001B3L;

  static final KeyHasher<Long> LONGS = KeyHasher::mix64;

  static final KeyHasher<CharSequence> CHAR_SEQUENCES = Hashes::chars;
  static final KeyHasher<String> STRINGS = Hashes::chars;

  static long chars(CharSequence s) {
    long h = FNV_OFFSET;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      h = (h ^ s.charAt(i)) * FNV_PRIME;
    }
    return KeyHasher.mix64(h ^ n);
  }

  static final KeyHasher<byte[]> BYTES =
      b -> {
        long h = FNV_OFFSET;
        for (byte x : b) {
          h = (h ^ (x & 0xFF)) * FNV_PRIME;
        }
        return KeyHasher.mix64(h ^ b.length);
      };

  static final KeyHasher<UUID> UUIDS =
      u ->
          KeyHasher.mix64(
              u.getMostSignificantBits() ^ KeyHasher.mix64(u.getLeastSignificantBits()));

  private Hashes() {}
}
