package io.headroom.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressesTest {

  @ParameterizedTest
  @CsvSource({
    "192.0.2.1, 192.0.2.1",
    "0.0.0.0, 0.0.0.0",
    "255.255.255.255, 255.255.255.255",
    "::1, ::1",
    "[::1], ::1",
    "0:0:0:0:0:0:0:1, ::1",
    "2001:DB8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "2001:db8:0:0:0:0:2:1, 2001:db8::2:1",
    "2001:db8::, 2001:db8::",
    "::, ::",
    "2001:0db8:0000:0000:0000:ff00:0042:8329, 2001:db8::ff00:42:8329",
    "2001:db8:1:1:1:1:1:1, 2001:db8:1:1:1:1:1:1",
    "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
    "::ffff:192.0.2.9, 192.0.2.9",
    "::FFFF:c000:0209, 192.0.2.9",
    "64:ff9b::192.0.2.33, 64:ff9b::c000:221",
    "fe80::1%eth0, fe80::1",
  })
  void canonicalizesLiterals(String in, String out) {
    assertThat(IpAddresses.canonical(in)).contains(out);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "unknown",
        "_hidden",
        "example.com",
        "localhost",
        "1.2.3",
        "1.2.3.4.5",
        "256.1.1.1",
        "01.2.3.4",
        "1..2.3",
        "1.2.3.4.",
        "-1.2.3.4",
        "1.2.3.4 5",
        "::1::",
        "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7",
        "12345::",
        "g::1",
        "::1.2.3",
        "1.2.3.4::",
        "[1.2.3.4]",
        "[::1",
        "fe80::1%",
        "1:2:3:4:5:6:7::8",
      })
  void refusesGarbage(String in) {
    assertThat(IpAddresses.parse(in)).isEmpty();
  }

  @Test
  void refusesNull() {
    assertThat(IpAddresses.parse(null)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "192.0.2.1:8080, 192.0.2.1",
    "[2001:db8::1]:443, [2001:db8::1]",
    "[2001:db8::1], [2001:db8::1]",
    "2001:db8::1, 2001:db8::1",
    "192.0.2.1, 192.0.2.1",
  })
  void stripsPorts(String in, String out) {
    assertThat(IpAddresses.stripPort(in)).isEqualTo(out);
  }

  @Test
  void formatRefusesOtherLengths() {
    assertThatThrownBy(() -> IpAddresses.format(new byte[5]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("5");
  }
}
