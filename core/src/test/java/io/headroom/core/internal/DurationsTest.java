package io.headroom.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {
  @ParameterizedTest
  @CsvSource({
    "250ms, PT0.25S",
    "5s, PT5S",
    "10m, PT10M",
    "1h, PT1H",
    "2d, PT48H",
    "1500us, PT0.0015S",
    "7ns, PT0.000000007S",
    "0, PT0S",
    "PT0.25S, PT0.25S",
    "P1D, PT24H",
    "' 5S ', PT5S"
  })
  void parsesShortAndIsoForms(String text, String iso) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
  }

  @Test
  void rejectsGarbageNamingIt() {
    assertThatThrownBy(() -> Durations.parse("5 parsecs"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'5 parsecs'");
    assertThatThrownBy(() -> Durations.parse("-5s")).hasMessageContaining("'-5s'");
    assertThatThrownBy(() -> Durations.parse("PTxS")).hasMessageContaining("'PTxS'");
    assertThatThrownBy(() -> Durations.parse("99999999999999999999s"))
        .hasMessageContaining("out of range");
  }
}
