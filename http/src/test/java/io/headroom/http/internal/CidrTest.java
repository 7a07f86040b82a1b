package io.headroom.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

  private static boolean contains(String cidr, String address) {
    return Cidr.parse(cidr).contains(IpAddresses.parse(address).orElseThrow());
  }

  @ParameterizedTest
  @CsvSource({
    "10.0.0.0/8, 10.255.1.2, true",
    "10.0.0.0/8, 11.0.0.1, false",
    "192.168.4.0/22, 192.168.7.255, true",
    "192.168.4.0/22, 192.168.8.0, false",
    "192.0.2.7, 192.0.2.7, true",
    "192.0.2.7, 192.0.2.8, false",
    "0.0.0.0/0, 203.0.113.9, true",
    "0.0.0.0/0, ::1, false",
    "fd00::/8, fd12:3456::1, true",
    "fd00::/8, fe00::1, false",
    "2001:db8::/33, 2001:db8:7fff::1, true",
    "2001:db8::/33, 2001:db8:8000::1, false",
    "::1, ::1, true",
    "::/0, 2001:db8::1, true",
    "::/0, 10.0.0.1, false",
    "10.0.0.0/8, ::ffff:10.1.2.3, true",
    "::ffff:10.0.0.0/104, 10.9.9.9, true",
  })
  void matchesRanges(String cidr, String address, boolean expected) {
    assertThat(contains(cidr, address)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.1/8", "nope/8", "::/129"})
  void refusesBadRangesNamingTheValue(String text) {
    assertThatThrownBy(() -> Cidr.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'");
  }

  @Test
  void printsCanonicalText() {
    assertThat(Cidr.parse(" 10.0.0.0/8 ")).hasToString("10.0.0.0/8");
    assertThat(Cidr.parse("2001:DB8::1")).hasToString("2001:db8::1/128");
    assertThat(Cidr.parse("10.0.0.0/8")).isEqualTo(Cidr.parse("10.0.0.0/8"));
    assertThat(Cidr.parse("10.0.0.0/8").hashCode()).isEqualTo(Cidr.parse("10.0.0.0/8").hashCode());
  }
}
