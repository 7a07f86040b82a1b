package io.headroom.examples.shortener;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Who the client is, for rate limiting: the socket's peer address, unless that peer is a configured
 * trusted proxy, in which case the right-most {@code X-Forwarded-For} entry that is not itself a
 * trusted proxy. A client cannot dodge its limit by sending its own {@code X-Forwarded-For}: from
 * an untrusted peer the header is ignored, and through a trusted proxy only what the proxy appended
 * counts.
 */
final class ClientAddress {
  private final Set<String> trustedProxies;

  ClientAddress(Set<String> trustedProxies) {
    this.trustedProxies = Set.copyOf(trustedProxies);
  }

  String resolve(String peer, @Nullable String forwardedFor) {
    if (forwardedFor == null || !trustedProxies.contains(peer)) {
      return peer;
    }
    String[] hops = forwardedFor.split(",", -1);
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (hop.isEmpty()) {
        continue;
      }
      if (!trustedProxies.contains(hop)) {
        return hop;
      }
    }
    return peer;
  }
}
