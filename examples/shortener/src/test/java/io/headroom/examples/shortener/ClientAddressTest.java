package io.headroom.examples.shortener;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ClientAddressTest {
  private final ClientAddress clients = new ClientAddress(Set.of("10.0.0.1", "10.0.0.2"));

  @Test
  void usesTheSocketPeerWhenItIsNotATrustedProxy() {
    assertThat(clients.resolve("203.0.113.9", "198.51.100.1")).isEqualTo("203.0.113.9");
    assertThat(clients.resolve("203.0.113.9", null)).isEqualTo("203.0.113.9");
  }

  @Test
  void takesTheRightMostUntrustedHopBehindTrustedProxies() {
    assertThat(clients.resolve("10.0.0.1", "198.51.100.1")).isEqualTo("198.51.100.1");
    // a client-supplied first entry is ignored: only what the proxies appended counts
    assertThat(clients.resolve("10.0.0.1", "6.6.6.6, 198.51.100.1, 10.0.0.2"))
        .isEqualTo("198.51.100.1");
  }

  @Test
  void fallsBackToThePeerWhenEveryHopIsTrustedOrBlank() {
    assertThat(clients.resolve("10.0.0.1", " , 10.0.0.2")).isEqualTo("10.0.0.1");
  }
}
