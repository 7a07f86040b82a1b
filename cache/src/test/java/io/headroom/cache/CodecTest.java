package io.headroom.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CodecTest {
  record User(String id, String name, List<String> roles) {}

  @Test
  void stringAndBytesCodecsRoundTrip() {
    assertThat(CacheCodec.string().decode(CacheCodec.string().encode("héllo"))).isEqualTo("héllo");
    byte[] b = {1, 2, 3};
    assertThat(CacheCodec.bytes().decode(CacheCodec.bytes().encode(b))).isEqualTo(b);
  }

  @Test
  void jsonCodecRoundTripsRecords() {
    CacheCodec<User> codec = CacheCodec.json(User.class);
    User u = new User("42", "Ada", List.of("admin"));
    byte[] json = codec.encode(u);
    assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"name\":\"Ada\"");
    assertThat(codec.decode(json)).isEqualTo(u);
    assertThatThrownBy(() -> codec.decode("{".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(CacheCodecException.class);
    assertThatThrownBy(() -> codec.decode("null".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(CacheCodecException.class);
  }

  @Test
  void keyCodecsRoundTrip() {
    assertThat(KeyCodec.longs().decode(KeyCodec.longs().encode(42L))).isEqualTo(42L);
    assertThat(KeyCodec.longs().decode("x")).isNull();
    assertThat(KeyCodec.ints().decode("7")).isEqualTo(7);
    UUID id = UUID.randomUUID();
    assertThat(KeyCodec.uuids().decode(KeyCodec.uuids().encode(id))).isEqualTo(id);
    assertThat(KeyCodec.strings().encode("a")).isEqualTo("a");
  }

  @Test
  void envelopeCompressesLargeValuesOnlyAndKeepsTheLoadTime() {
    byte[] big = "abc".repeat(1000).getBytes(StandardCharsets.UTF_8);
    byte[] wrapped = Envelope.value(big, 3_000_000, 100);
    assertThat(wrapped.length).isLessThan(big.length / 4);
    assertThat(wrapped[0] & Envelope.DEFLATED).isNotZero();
    assertThat(Envelope.payload(wrapped)).isEqualTo(big);
    assertThat(Envelope.deltaNanos(wrapped)).isEqualTo(3_000_000);
    byte[] small = "tiny".getBytes(StandardCharsets.UTF_8);
    byte[] plain = Envelope.value(small, 0, 100);
    assertThat(plain[0]).isZero();
    assertThat(Envelope.payload(plain)).isEqualTo(small);
    byte[] negative = Envelope.negative(5_000);
    assertThat(Envelope.valid(negative)).isTrue();
    assertThat(Envelope.isNegative(negative)).isTrue();
    assertThat(Envelope.valid("junk".getBytes(StandardCharsets.UTF_8))).isFalse();
  }
}
