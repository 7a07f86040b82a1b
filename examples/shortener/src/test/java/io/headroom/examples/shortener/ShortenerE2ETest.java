package io.headroom.examples.shortener;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end scenario on embedded defaults: two H2 file shards, L1-only cache, local limits.
 */
class ShortenerE2ETest extends ShortenerContract {
  @TempDir static @Nullable Path data;

  @Override
  Map<String, String> infrastructure() {
    return Map.of("SHORTENER_DATA_DIR", Objects.requireNonNull(data).toString());
  }

  @Test
  void withoutRedisTheWorkerIdIsZero() {
    assertThat(Objects.requireNonNull(app).workerId()).isZero();
  }
}
