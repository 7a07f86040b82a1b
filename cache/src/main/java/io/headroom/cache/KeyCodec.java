package io.headroom.cache;

import io.headroom.core.Checks;
import java.util.UUID;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Turns keys into the strings used in Redis key names and invalidation messages, and back. The way
 * back lets a node evict exactly the key another node invalidated; a one-way {@link
 * TieredCache.Builder#keyMapper key mapper} works too, but then an invalidation message costs a
 * scan of L1 for keys that are not strings.
 *
 * <p>Implementations must be thread-safe, and {@code decode(encode(k))} must equal {@code k}.
 *
 * @param <K> the key type
 */
public interface KeyCodec<K> {
  /** The key's string form; must not contain the cache's own separators in a way that collides. */
  String encode(K key);

  /** The key whose {@link #encode} is {@code text}, or {@code null} if {@code text} is not one. */
  @Nullable K decode(String text);

  /** String keys, as they are. */
  static KeyCodec<String> strings() {
    return of(s -> s, s -> s);
  }

  /** Long keys in decimal. */
  static KeyCodec<Long> longs() {
    return of(
        String::valueOf,
        s -> {
          try {
            return Long.valueOf(s);
          } catch (NumberFormatException e) {
            return null;
          }
        });
  }

  /** Integer keys in decimal. */
  static KeyCodec<Integer> ints() {
    return of(
        String::valueOf,
        s -> {
          try {
            return Integer.valueOf(s);
          } catch (NumberFormatException e) {
            return null;
          }
        });
  }

  /** UUID keys in their canonical form. */
  static KeyCodec<UUID> uuids() {
    return of(
        UUID::toString,
        s -> {
          try {
            return UUID.fromString(s);
          } catch (IllegalArgumentException e) {
            return null;
          }
        });
  }

  /**
   * A codec from two functions.
   *
   * @throws NullPointerException if an argument is null
   */
  static <K> KeyCodec<K> of(
      Function<? super K, String> encode, Function<String, ? extends @Nullable K> decode) {
    Checks.notNull(encode, "encode");
    Checks.notNull(decode, "decode");
    return new KeyCodec<>() {
      @Override
      public String encode(K key) {
        return encode.apply(key);
      }

      @Override
      public @Nullable K decode(String text) {
        return decode.apply(text);
      }
    };
  }
}
