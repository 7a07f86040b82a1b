package io.headroom.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.Settings;
import io.headroom.core.SettingsException;
import io.headroom.http.ClientAddressResolver.Header;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClientAddressResolverTest {
  private final ClientAddressResolver xff =
      ClientAddressResolver.trusting("10.0.0.0/8", "fd00::/8");
  private final ClientAddressResolver fwd =
      ClientAddressResolver.builder()
          .trustedProxies("10.0.0.0/8", "fd00::/8")
          .header(Header.FORWARDED)
          .build();

  @Test
  void isThePeerWithoutTrustedProxies() {
    assertThat(ClientAddressResolver.direct().resolve("203.0.113.5", List.of("1.1.1.1")))
        .isEqualTo("203.0.113.5");
  }

  @Test
  void ignoresHeadersFromAnUntrustedPeer() {
    assertThat(xff.resolve("203.0.113.5", List.of("1.1.1.1"))).isEqualTo("203.0.113.5");
    assertThat(fwd.resolve("203.0.113.5", List.of("for=1.1.1.1"))).isEqualTo("203.0.113.5");
  }

  @Test
  void takesTheRightMostUntrustedHop() {
    assertThat(xff.resolve("10.0.0.1", List.of("6.6.6.6, 198.51.100.7, 10.0.0.9")))
        .isEqualTo("198.51.100.7");
    // several header lines are one list, in order
    assertThat(xff.resolve("10.0.0.1", List.of("6.6.6.6", "198.51.100.7", "10.0.0.9")))
        .isEqualTo("198.51.100.7");
  }

  @Test
  void aClientCannotChooseItsAddressThroughATrustedProxy() {
    // the client sent "X-Forwarded-For: 10.0.0.5" hoping to pass as a proxy or another client;
    // the proxy appended the real peer: the walk stops there.
    assertThat(xff.resolve("10.0.0.1", List.of("10.0.0.5, 198.51.100.7")))
        .isEqualTo("198.51.100.7");
  }

  @Test
  void answersTheLeftMostHopWhenEveryHopIsTrusted() {
    assertThat(xff.resolve("10.0.0.1", List.of("10.0.0.3, 10.0.0.2"))).isEqualTo("10.0.0.3");
  }

  @Test
  void answersThePeerWhenATrustedPeerSendsNoHeader() {
    assertThat(xff.resolve("10.0.0.1", List.of())).isEqualTo("10.0.0.1");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "garbage",
        "",
        ",,,",
        "unknown",
        "1.2.3.4.5",
        "999.1.1.1",
        "\u0000",
        "203.0.113.9 , nonsense",
        "'; DROP TABLE",
      })
  void stopsAtGarbageAndAnswersTheNearestTrustedHop(String header) {
    assertThat(xff.resolve("10.0.0.1", List.of(header))).isEqualTo("10.0.0.1");
    assertThat(xff.resolve("10.0.0.1", List.of(header + ", 10.0.0.2"))).isEqualTo("10.0.0.2");
  }

  @Test
  void readsPortsBracketsAndIpv6() {
    assertThat(xff.resolve("fd00::1", List.of("[2001:DB8::7]:4711"))).isEqualTo("2001:db8::7");
    assertThat(xff.resolve("10.0.0.1", List.of("198.51.100.7:5000"))).isEqualTo("198.51.100.7");
    assertThat(xff.resolve("::ffff:10.0.0.1", List.of("2001:db8::7"))).isEqualTo("2001:db8::7");
    assertThat(xff.resolve("[fd00::1]", List.of("2001:db8:0:0:0:0:0:7"))).isEqualTo("2001:db8::7");
  }

  @Test
  void readsRfc7239Forwarded() {
    assertThat(
            fwd.resolve(
                "10.0.0.1",
                List.of(
                    "for=6.6.6.6, for=\"[2001:db8:cafe::17]:4711\";proto=https;by=10.0.0.2",
                    "For=10.0.0.2;host=\"a,b\"")))
        .isEqualTo("2001:db8:cafe::17");
    assertThat(fwd.resolve("10.0.0.1", List.of("proto=https;for=192.0.2.60:80")))
        .isEqualTo("192.0.2.60");
    assertThat(fwd.resolve("10.0.0.1", List.of("for=unknown"))).isEqualTo("10.0.0.1");
    assertThat(fwd.resolve("10.0.0.1", List.of("for=_hidden, for=10.0.0.4"))).isEqualTo("10.0.0.4");
    assertThat(fwd.resolve("10.0.0.1", List.of("by=10.0.0.3"))).isEqualTo("10.0.0.1");
    assertThat(fwd.resolve("10.0.0.1", List.of("for=\"unterminated"))).isEqualTo("10.0.0.1");
  }

  @Test
  void returnsANonIpPeerAsGiven() {
    assertThat(xff.resolve("unix:/run/app.sock", List.of("1.1.1.1")))
        .isEqualTo("unix:/run/app.sock");
  }

  @Test
  void resolvesAServletRequestOnceAndCachesIt() {
    HttpServletRequest req =
        Fakes.request(
            "GET", "/", "10.0.0.1", Map.of("x-forwarded-for", List.of("198.51.100.7", "10.0.0.8")));
    assertThat(xff.resolve(req)).isEqualTo("198.51.100.7");
    assertThat(req.getAttribute(ClientAddressResolver.ATTRIBUTE)).isEqualTo("198.51.100.7");
    HttpServletRequest direct = Fakes.request("GET", "/", "0:0:0:0:0:0:0:1", Map.of());
    assertThat(ClientAddressResolver.direct().resolve(direct)).isEqualTo("::1");
  }

  @Test
  void readsTheForwardedHeaderFromTheRequestWhenConfigured() {
    HttpServletRequest req =
        Fakes.request(
            "GET",
            "/",
            "10.0.0.1",
            Map.of("X-Forwarded-For", List.of("6.6.6.6"), "Forwarded", List.of("for=192.0.2.60")));
    assertThat(fwd.resolve(req)).isEqualTo("192.0.2.60");
  }

  @Test
  void settingsWinOverTheCode() {
    ClientAddressResolver r =
        ClientAddressResolver.builder()
            .trustedProxies("192.168.0.0/16")
            .settings(
                Settings.of(
                    Map.of(
                        "HEADROOM_HTTP_TRUSTED_PROXIES", "10.1.0.0/16, ::1",
                        "HEADROOM_HTTP_FORWARDED_HEADER", "forwarded")))
            .build();
    assertThat(r.trustedProxies()).containsExactly("10.1.0.0/16", "::1/128");
    assertThat(r.header()).isEqualTo(Header.FORWARDED);
    assertThat(r.isTrustedProxy("192.168.1.1")).isFalse();
    assertThat(r.isTrustedProxy("10.1.2.3")).isTrue();
    assertThat(ClientAddressResolver.from(Settings.empty()).trustedProxies()).isEmpty();
    assertThat(r.toBuilder().build().trustedProxies()).isEqualTo(r.trustedProxies());
  }

  @Test
  void badSettingsFailNamingKeyAndValue() {
    assertThatThrownBy(
            () ->
                ClientAddressResolver.from(
                    Settings.of(Map.of("HEADROOM_HTTP_TRUSTED_PROXIES", "10.0.0.0/8,nope"))))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("HEADROOM_HTTP_TRUSTED_PROXIES")
        .hasMessageContaining("nope");
    assertThatThrownBy(() -> ClientAddressResolver.trusting("10.0.0.1/8"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("10.0.0.1/8");
  }
}
