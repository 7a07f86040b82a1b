package io.headroom.cache;

import java.nio.charset.StandardCharsets;

/**
 * Turns values into the bytes stored in Redis (L2) and back. L1 keeps the objects themselves, so a
 * codec runs only on L2 reads and writes.
 *
 * <pre>{@code
 * CacheCodec<String> s = CacheCodec.string();
 * CacheCodec<User> u = CacheCodec.json(User.class);   // needs jackson-databind on the class path
 * }</pre>
 *
 * <p>Implementations must be thread-safe and must not return {@code null}.
 *
 * @param <V> the value type
 */
public interface CacheCodec<V> {
  /**
   * Encodes {@code value}.
   *
   * @throws CacheCodecException if it cannot be encoded
   */
  byte[] encode(V value);

  /**
   * Decodes bytes written by {@link #encode}.
   *
   * @throws CacheCodecException if they cannot be decoded (the cache treats that as a miss)
   */
  V decode(byte[] bytes);

  /** UTF-8 strings. */
  static CacheCodec<String> string() {
    return Codecs.STRING;
  }

  /** Byte arrays as they are (the cache does not copy them: do not mutate cached arrays). */
  static CacheCodec<byte[]> bytes() {
    return Codecs.BYTES;
  }

  /**
   * Jackson JSON for records and POJOs, with a default {@code ObjectMapper}. jackson-databind is an
   * optional dependency of headroom-cache: add it to use this codec; nothing else loads it.
   *
   * @throws NullPointerException if {@code type} is null
   * @see JsonCodec#of(Class, com.fasterxml.jackson.databind.ObjectMapper)
   */
  static <V> CacheCodec<V> json(Class<V> type) {
    return JsonCodec.of(type);
  }
}

/** The built-in codecs. */
final class Codecs {
  static final CacheCodec<String> STRING =
      new CacheCodec<>() {
        @Override
        public byte[] encode(String value) {
          return value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String decode(byte[] bytes) {
          return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
          return "CacheCodec.string()";
        }
      };

  static final CacheCodec<byte[]> BYTES =
      new CacheCodec<>() {
        @Override
        public byte[] encode(byte[] value) {
          return value;
        }

        @Override
        public byte[] decode(byte[] bytes) {
          return bytes;
        }

        @Override
        public String toString() {
          return "CacheCodec.bytes()";
        }
      };

  private Codecs() {}
}
