package io.headroom.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ChecksTest {
  @Test
  void messagesNameTheParameterAndTheValue() {
    assertThatThrownBy(() -> Checks.notNull(null, "key"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("key must not be null");
    assertThatThrownBy(() -> Checks.positive(-3, "permits"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("permits must be > 0: -3");
    assertThatThrownBy(() -> Checks.positive(0L, "cost")).hasMessage("cost must be > 0: 0");
    assertThatThrownBy(() -> Checks.notNegative(-1L, "delay")).hasMessage("delay must be >= 0: -1");
    assertThatThrownBy(() -> Checks.inRange(101, 1, 100, "failureRate"))
        .hasMessage("failureRate must be in [1, 100]: 101");
    assertThatThrownBy(() -> Checks.inRange(Double.NaN, 0.0, 1.0, "fraction"))
        .hasMessage("fraction must be in [0.0, 1.0]: NaN");
    assertThatThrownBy(() -> Checks.positive(Duration.ZERO, "window"))
        .hasMessage("window must be > 0: PT0S");
    assertThatThrownBy(() -> Checks.notNegative(Duration.ofSeconds(-1), "ttl"))
        .hasMessage("ttl must be >= 0: PT-1S");
    assertThatThrownBy(() -> Checks.notBlank(" ", "name"))
        .hasMessage("name must not be blank: ' '");
    assertThatThrownBy(() -> Checks.argument(false, "limit must be > 0: %s", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must be > 0: 0");
    assertThatThrownBy(() -> Checks.state(false, "already closed"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("already closed");
  }

  @Test
  void returnsValidValues() {
    assertThat(Checks.positive(5, "n")).isEqualTo(5);
    assertThat(Checks.positive(5L, "n")).isEqualTo(5L);
    assertThat(Checks.notNegative(0L, "n")).isZero();
    assertThat(Checks.inRange(0.5, 0.0, 1.0, "f")).isEqualTo(0.5);
    assertThat(Checks.notBlank("x", "s")).isEqualTo("x");
    assertThat(Checks.positive(Duration.ofMillis(1), "d")).isEqualTo(Duration.ofMillis(1));
    assertThat(Checks.notNull("v", "v")).isEqualTo("v");
  }

  @Test
  void stacklessExceptionsHaveNoStackTrace() {
    class Quick extends HeadroomException {
      private static final long serialVersionUID = 1L;

      Quick() {
        super("quick", null, false);
      }
    }
    assertThat(new Quick().getStackTrace()).isEmpty();
    assertThat(new HeadroomException("slow").getStackTrace()).isNotEmpty();
  }

  @Test
  void systemTickerMovesForward() {
    Ticker t = Ticker.system();
    long a = t.read();
    long b = t.read();
    assertThat(b).isGreaterThanOrEqualTo(a);
    assertThat(t).hasToString("Ticker.system()");
  }
}
