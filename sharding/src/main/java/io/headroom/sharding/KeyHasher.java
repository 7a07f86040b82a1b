package io.headroom.sharding;

import io.headroom.core.Checks;
import io.headroom.sharding.internal.Routing;
import java.util.UUID;
import java.util.function.ToLongFunction;

/**
 * Turns a key into a well-mixed 64-bit hash, the input of every hash-based {@link ShardRouter}.
 *
 * <p>Routing is a storage contract: a row lives on the shard its key hashed to when it was written,
 * so these functions are fixed forever. They do not depend on {@link Object#hashCode()}, the JVM,
 * the platform charset or the release of headroom, and they are written down (with test vectors) in
 * the module README so that a service in another language routes the same keys.
 *
 * <pre>{@code
 * ShardRouter<Long> byUserId = ShardRouter.jump(1024, KeyHasher.longs());
 * ShardRouter<String> byCode = ShardRouter.jump(1024, KeyHasher.strings());
 * }</pre>
 *
 * <p>Implementations must be stateless and thread-safe, and must return a value whose every bit
 * depends on every input bit. A numeric key is never usable raw (ids are sequential, and jump hash
 * and the ring both assume uniform input): wrap it with {@link #of(ToLongFunction)} or {@link
 * #longs()}, which apply the SplitMix64 finalizer.
 *
 * @param <K> the key type
 */
@FunctionalInterface
public interface KeyHasher<K> {

  /** Returns the well-mixed 64-bit hash of {@code key}. */
  long hash(K key);

  /** Hashes {@code long} keys (ids, Snowflake ids) through the SplitMix64 finalizer. */
  static KeyHasher<Long> longs() {
    return Hashes.LONGS;
  }

  /**
   * Hashes strings as their UTF-8 bytes, exactly as {@link #bytes()} hashes {@code
   * s.getBytes(UTF_8)}: FNV-1a 64 over the bytes, XOR the byte count, then the SplitMix64
   * finalizer. The bytes are encoded on the fly (no array is allocated); an unpaired surrogate
   * counts as {@code '?'}, as in {@link String#getBytes}. A Go or Python service hashing the same
   * UTF-8 bytes gets the same value (see the module README for the algorithm and test vectors).
   */
  static KeyHasher<String> strings() {
    return Hashes.STRINGS;
  }

  /** Hashes byte arrays: FNV-1a 64 over the bytes, XOR their count, then SplitMix64. */
  static KeyHasher<byte[]> bytes() {
    return Hashes.BYTES;
  }

  /** Hashes UUIDs by mixing both halves. */
  static KeyHasher<UUID> uuids() {
    return Hashes.UUIDS;
  }

  /**
   * Hashes keys through a raw 64-bit extractor (an id field, say) followed by the SplitMix64
   * finalizer, so sequential ids still spread evenly.
   *
   * @throws NullPointerException if {@code rawHash} is null
   */
  static <K> KeyHasher<K> of(ToLongFunction<? super K> rawHash) {
    Checks.notNull(rawHash, "rawHash");
    return key -> Routing.mix64(rawHash.applyAsLong(key));
  }
}

/** The built-in hashers. */
final class Hashes {
  static final KeyHasher<Long> LONGS = Routing::mix64;
  static final KeyHasher<String> STRINGS = Routing::hashUtf8;
  static final KeyHasher<byte[]> BYTES = Routing::hashBytes;
  static final KeyHasher<UUID> UUIDS =
      u -> Routing.mix64(u.getMostSignificantBits() ^ Routing.mix64(u.getLeastSignificantBits()));

  private Hashes() {}
}
