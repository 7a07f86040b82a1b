package io.headroom.idgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.testkit.FakeTicker;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IdLayoutTest {

  @Test
  void defaultLayoutIs41And10And12BitsFrom2024() {
    assertThat(IdLayout.DEFAULT.epoch()).isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
    assertThat(IdLayout.DEFAULT.maxWorkerId()).isEqualTo(1023);
    assertThat(IdLayout.DEFAULT.maxSequence()).isEqualTo(4095);
    assertThat(IdLayout.DEFAULT.overflowsAt()).isEqualTo(Instant.parse("2093-09-06T15:47:35.552Z"));
    assertThat(IdLayout.DEFAULT.yearsLeft(IdLayout.DEFAULT_EPOCH)).isBetween(69.68, 69.69);
  }

  @Test
  void rejectsBitsThatDoNotAddUpTo63() {
    assertThatThrownBy(() -> IdLayout.of(41, 10, 13, IdLayout.DEFAULT_EPOCH))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "timestampBits + workerBits + sequenceBits must be 63 (the sign bit stays 0): "
                + "41 + 10 + 13 = 64");
  }

  @Test
  void rejectsFieldsOutOfRange() {
    assertThatThrownBy(() -> IdLayout.of(41, 22, 0, IdLayout.DEFAULT_EPOCH))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sequenceBits must be in [1, 31]: 0");
    assertThatThrownBy(() -> IdLayout.of(40, -1, 24, IdLayout.DEFAULT_EPOCH))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("workerBits must be in [0, 31]: -1");
  }

  @Test
  void refusesALayoutWithFewerThanTenYearsLeftAndSaysHowMany() {
    // 2^38 ms is 8.7 years.
    IdLayout small = IdLayout.of(38, 13, 12, IdLayout.DEFAULT_EPOCH);
    assertThatThrownBy(
            () ->
                IdGeneratorConfig.builder()
                    .workerId(1)
                    .layout(small)
                    .instantSource(new FakeTicker(IdLayout.DEFAULT_EPOCH))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "layout 38/13/12 bits with epoch 2024-01-01T00:00:00Z leaves 8.7 years before"
                + " timestamps overflow at 2032-09-16T10:58:26.944Z; at least 10 years are"
                + " required: add timestamp bits or move the epoch later");
  }

  @Test
  void refusesAnEpochSoOldThatFewerThanTenYearsAreLeft() {
    IdLayout unixEpoch = IdLayout.DEFAULT.withEpoch(Instant.EPOCH); // overflows 2039-09-07
    FakeTicker in2031 = new FakeTicker(Instant.parse("2031-01-01T00:00:00Z"));
    assertThatThrownBy(
            () ->
                IdGeneratorConfig.builder()
                    .workerId(1)
                    .layout(unixEpoch)
                    .instantSource(in2031)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("leaves 8.7 years before timestamps overflow at 2039-09-07")
        .hasMessageContaining("at least 10 years are required");
    // The same layout is fine while ten years remain.
    FakeTicker in2025 = new FakeTicker(Instant.parse("2025-01-01T00:00:00Z"));
    assertThat(
            IdGeneratorConfig.builder()
                .workerId(1)
                .layout(unixEpoch)
                .instantSource(in2025)
                .build()
                .layout())
        .isEqualTo(unixEpoch);
  }

  @Test
  void refusesAnEpochInTheFuture() {
    IdLayout future = IdLayout.DEFAULT.withEpoch(Instant.parse("2030-01-01T00:00:00Z"));
    assertThatThrownBy(
            () ->
                IdGeneratorConfig.builder()
                    .workerId(1)
                    .layout(future)
                    .instantSource(new FakeTicker())
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "epoch 2030-01-01T00:00:00Z is in the future (now 2024-01-01T00:00:00Z): IDs would"
                + " need a negative timestamp; pick an epoch in the past");
  }

  @Test
  void decomposesEachField() {
    IdLayout layout = IdLayout.of(40, 13, 10, IdLayout.DEFAULT_EPOCH);
    long id = (123_456L << 23) | (8191L << 10) | 1023L;
    assertThat(layout.decompose(id))
        .isEqualTo(new IdParts(IdLayout.DEFAULT_EPOCH.plusMillis(123_456), 8191, 1023));
    assertThatThrownBy(() -> layout.decompose(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("id must be >= 0: -1");
  }

  @Test
  void aLayoutWithoutWorkerBitsHoldsOnlyWorkerZero() {
    IdLayout layout = IdLayout.of(41, 0, 22, IdLayout.DEFAULT_EPOCH);
    assertThat(layout.maxWorkerId()).isZero();
    assertThat(layout.decompose((5L << 22) | 7).workerId()).isZero();
  }
}
