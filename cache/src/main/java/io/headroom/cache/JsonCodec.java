package io.headroom.cache;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.headroom.core.Checks;
import java.io.IOException;

/**
 * A {@link CacheCodec} on Jackson JSON, for records and POJOs. This class is the only one in
 * headroom-cache that touches Jackson, and it is loaded only when a JSON codec is created, so
 * jackson-databind stays optional.
 *
 * <pre>{@code
 * CacheCodec<User> users = JsonCodec.of(User.class);
 * CacheCodec<User> tuned = JsonCodec.of(User.class, myObjectMapper);
 * }</pre>
 *
 * <p>Immutable and thread-safe (Jackson readers and writers are).
 *
 * @param <V> the value type
 */
public final class JsonCodec<V> implements CacheCodec<V> {
  private static final class Default {
    static final ObjectMapper MAPPER = new ObjectMapper().findAndRegisterModules();
  }

  private final String typeName;
  private final ObjectReader reader;
  private final ObjectWriter writer;

  private JsonCodec(ObjectMapper mapper, JavaType type) {
    this.typeName = type.toCanonical();
    this.reader = mapper.readerFor(type);
    this.writer = mapper.writerFor(type);
  }

  /**
   * A codec for {@code type} with a default {@code ObjectMapper} (modules on the class path
   * registered).
   *
   * @throws NullPointerException if {@code type} is null
   */
  public static <V> JsonCodec<V> of(Class<V> type) {
    return of(type, Default.MAPPER);
  }

  /**
   * A codec for {@code type} with {@code mapper}'s configuration.
   *
   * @throws NullPointerException if an argument is null
   */
  public static <V> JsonCodec<V> of(Class<V> type, ObjectMapper mapper) {
    Checks.notNull(type, "type");
    Checks.notNull(mapper, "mapper");
    return new JsonCodec<>(mapper, mapper.constructType(type));
  }

  @Override
  public byte[] encode(V value) {
    try {
      return writer.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new CacheCodecException("cannot write " + typeName + " as JSON: " + e.getMessage(), e);
    }
  }

  @Override
  public V decode(byte[] bytes) {
    try {
      V v = reader.readValue(bytes);
      if (v == null) {
        throw new CacheCodecException("JSON null is not a " + typeName, null);
      }
      return v;
    } catch (IOException e) {
      throw new CacheCodecException("cannot read " + typeName + " from JSON: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "JsonCodec{" + typeName + "}";
  }
}
