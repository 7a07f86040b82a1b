package io.headroom.examples.shortener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.cache.CacheCodecException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LinkCodecTest {
  private final LinkCache.LinkCodec codec = new LinkCache.LinkCodec();

  @Test
  void roundTripsLinksWithAndWithoutExpiry() {
    Link a =
        new Link(
            "1Ii3hKLwl03",
            42L,
            "https://example.com/a?b=c#d",
            Instant.ofEpochMilli(1_700_000_000_123L),
            Instant.ofEpochMilli(1_800_000_000_456L));
    Link b = new Link("Z", 7L, "http://x.y/", Instant.ofEpochMilli(1L), null);
    assertThat(codec.decode(codec.encode(a))).isEqualTo(a);
    assertThat(codec.decode(codec.encode(b))).isEqualTo(b);
  }

  @Test
  void refusesBytesThatAreNotALink() {
    assertThatThrownBy(() -> codec.decode("nope".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(CacheCodecException.class);
    assertThatThrownBy(() -> codec.decode("a\nb\nc\n\nhttp://x".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(CacheCodecException.class);
  }
}
