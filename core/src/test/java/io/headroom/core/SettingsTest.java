package io.headroom.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SettingsTest {
  enum Mode {
    FAIL_OPEN,
    FAIL_CLOSED
  }

  private final Settings settings =
      Settings.of(
          Map.ofEntries(
              Map.entry("A_INT", "42"),
              Map.entry("A_BAD_INT", "4x2"),
              Map.entry("A_LONG", "9000000000"),
              Map.entry("A_DOUBLE", "0.25"),
              Map.entry("A_BOOL", "Yes"),
              Map.entry("A_BAD_BOOL", "maybe"),
              Map.entry("A_MODE", "fail-closed"),
              Map.entry("A_BAD_MODE", "sideways"),
              Map.entry("A_URI", "redis://localhost:6379/2"),
              Map.entry("A_BAD_URI", "redis://:hunter2@host:63 79"),
              Map.entry("A_MS", "250ms"),
              Map.entry("A_ISO", "PT1.5S"),
              Map.entry("A_BAD_DURATION", "5 parsecs"),
              Map.entry("A_BLANK", "  "),
              Map.entry("A_PASSWORD", "hunter2"),
              Map.entry("A_STR", " text ")));

  @Test
  void readsEveryTypeWithItsDefaultWhenAbsent() {
    assertThat(settings.getInt("A_INT", 1)).isEqualTo(42);
    assertThat(settings.getInt("MISSING", 7)).isEqualTo(7);
    assertThat(settings.getLong("A_LONG", 1)).isEqualTo(9_000_000_000L);
    assertThat(settings.getDouble("A_DOUBLE", 1)).isEqualTo(0.25);
    assertThat(settings.getBoolean("A_BOOL", false)).isTrue();
    assertThat(settings.getBoolean("MISSING", true)).isTrue();
    assertThat(settings.getEnum("A_MODE", Mode.class, Mode.FAIL_OPEN)).isEqualTo(Mode.FAIL_CLOSED);
    assertThat(settings.getUri("A_URI", URI.create("x:y")))
        .isEqualTo(URI.create("redis://localhost:6379/2"));
    assertThat(settings.getDuration("A_MS", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
    assertThat(settings.getDuration("A_ISO", Duration.ZERO)).isEqualTo(Duration.ofMillis(1500));
    assertThat(settings.getString("A_STR", "d")).isEqualTo("text");
  }

  @Test
  void blankValuesCountAsAbsent() {
    assertThat(settings.getInt("A_BLANK", 3)).isEqualTo(3);
    assertThat(settings.contains("A_BLANK")).isFalse();
    assertThat(settings.get("A_BLANK")).isEmpty();
  }

  @Test
  void errorsNameTheKeyAndTheValue() {
    assertThatThrownBy(() -> settings.getInt("A_BAD_INT", 1))
        .isInstanceOf(SettingsException.class)
        .hasMessage("A_BAD_INT=4x2: expected an integer");
    assertThatThrownBy(() -> settings.getBoolean("A_BAD_BOOL", true))
        .hasMessage("A_BAD_BOOL=maybe: expected true or false");
    assertThatThrownBy(() -> settings.getEnum("A_BAD_MODE", Mode.class, Mode.FAIL_OPEN))
        .hasMessage("A_BAD_MODE=sideways: expected one of FAIL_OPEN, FAIL_CLOSED");
    assertThatThrownBy(() -> settings.getDuration("A_BAD_DURATION", Duration.ZERO))
        .hasMessageStartingWith("A_BAD_DURATION=5 parsecs: expected a duration");
    SettingsException e = (SettingsException) catchThrowable(() -> settings.getInt("A_BAD_INT", 1));
    assertThat(e.key()).isEqualTo("A_BAD_INT");
    assertThat(e.value()).isEqualTo("4x2");
  }

  @Test
  void errorsMaskSecrets() {
    assertThatThrownBy(() -> settings.getInt("A_PASSWORD", 1))
        .hasMessage("A_PASSWORD=***: expected an integer")
        .hasNoCause();
    assertThatThrownBy(() -> settings.getUri("A_BAD_URI", URI.create("x:y")))
        .hasMessageStartingWith("A_BAD_URI=redis://:***@host:63 79: expected a URI")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void prefixesCompose() {
    Settings s = Settings.of(Map.of("HEADROOM_BREAKER_PAYMENTS_FAILURE_RATE", "x"));
    Settings scoped = s.withPrefix("HEADROOM_").withPrefix("BREAKER_PAYMENTS_");
    assertThat(scoped.fullKey("FAILURE_RATE")).isEqualTo("HEADROOM_BREAKER_PAYMENTS_FAILURE_RATE");
    assertThatThrownBy(() -> scoped.getInt("FAILURE_RATE", 50))
        .hasMessage("HEADROOM_BREAKER_PAYMENTS_FAILURE_RATE=x: expected an integer");
  }

  @Test
  void requireNamesTheMissingKey() {
    assertThatThrownBy(() -> settings.withPrefix("APP_").require("URL"))
        .isInstanceOf(SettingsException.class)
        .hasMessage("APP_URL is not set: required");
  }

  @Test
  void invalidBuildsTheSameMessageForCallerChecks() {
    assertThat(settings.invalid("A_INT", "42", "expected <= 10"))
        .hasMessage("A_INT=42: expected <= 10");
  }

  @Test
  void emptyAndFunctionLookupsWork() {
    assertThat(Settings.empty().getLong("X", 5)).isEqualTo(5);
    assertThat(Settings.from(k -> k.equals("T") ? "3" : null).getInt("T", 0)).isEqualTo(3);
    assertThat(TimeUnit.SECONDS.toMillis(1)).isEqualTo(1000);
  }

  private static Throwable catchThrowable(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      return e;
    }
    throw new AssertionError("expected an exception");
  }
}
