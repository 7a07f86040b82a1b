package io.headroom.redis;

import io.lettuce.core.ScriptOutputType;
import java.util.List;

/**
 * What a Lua script returns, and the Java type it arrives as.
 *
 * @param <T> the Java type of the result
 */
@SuppressWarnings("UnusedTypeParameter") // a phantom type: it types RedisScript<T>.run
public final class ScriptOutput<T> {
  /** An integer reply, as {@link Long}. */
  public static final ScriptOutput<Long> INTEGER = new ScriptOutput<>(ScriptOutputType.INTEGER);

  /** A boolean reply (Lua {@code true}/{@code 1} or {@code false}/{@code nil}). */
  public static final ScriptOutput<Boolean> BOOLEAN = new ScriptOutput<>(ScriptOutputType.BOOLEAN);

  /** A status reply, such as {@code OK}, as {@link String}. */
  public static final ScriptOutput<String> STATUS = new ScriptOutput<>(ScriptOutputType.STATUS);

  /** A bulk-string reply, as {@code byte[]} (or {@code null} for nil). */
  public static final ScriptOutput<byte[]> VALUE = new ScriptOutput<>(ScriptOutputType.VALUE);

  /**
   * An array reply, as a {@link List} whose elements are {@link Long} for integers, {@code byte[]}
   * for bulk strings, nested lists, or {@code null}.
   */
  @SuppressWarnings("unchecked")
  public static final ScriptOutput<List<Object>> MULTI =
      (ScriptOutput<List<Object>>)
          (ScriptOutput<?>) new ScriptOutput<List<?>>(ScriptOutputType.MULTI);

  final ScriptOutputType type;

  private ScriptOutput(ScriptOutputType type) {
    this.type = type;
  }

  @Override
  public String toString() {
    return "ScriptOutput." + type;
  }
}
