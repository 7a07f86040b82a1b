package io.headroom.http.internal;

import java.util.Arrays;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An IPv4 or IPv6 network written as CIDR ({@code 10.0.0.0/8}, {@code fd00::/8}) or a single
 * address ({@code 192.0.2.7} = /32, {@code ::1} = /128). An IPv4 range never matches an IPv6
 * address, except that IPv4-mapped IPv6 addresses are read as IPv4 ({@link IpAddresses}). Immutable
 * and thread-safe.
 */
public final class Cidr {
  private final byte[] network;
  private final int prefix;
  private final String text;

  private Cidr(byte[] network, int prefix) {
    this.network = network;
    this.prefix = prefix;
    this.text = IpAddresses.format(network) + "/" + prefix;
  }

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException naming the value if it is not an address or a CIDR range, or
   *     if bits are set after the prefix ({@code 10.0.0.1/8} is a typo for a host, not a range)
   */
  public static Cidr parse(String text) {
    String s = text.trim();
    int slash = s.indexOf('/');
    String addr = slash < 0 ? s : s.substring(0, slash);
    Optional<byte[]> bytes = IpAddresses.parse(addr);
    if (bytes.isEmpty()) {
      throw new IllegalArgumentException("not an IP address or CIDR range: '" + text + "'");
    }
    byte[] b = bytes.get();
    int max = b.length * 8;
    int prefix = max;
    if (slash >= 0) {
      String p = s.substring(slash + 1);
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new IllegalArgumentException("not a CIDR prefix length: '" + text + "'");
      }
      prefix = Integer.parseInt(p);
      // an IPv4-mapped IPv6 range (::ffff:10.0.0.0/104) becomes its IPv4 range
      if (b.length == 4 && addr.indexOf(':') >= 0) {
        prefix -= 96;
      }
      if (prefix < 0 || prefix > max) {
        throw new IllegalArgumentException("CIDR prefix length out of range: '" + text + "'");
      }
    }
    for (int bit = prefix; bit < max; bit++) {
      if ((b[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
        throw new IllegalArgumentException(
            "CIDR range has host bits set after the prefix: '" + text + "'");
      }
    }
    return new Cidr(b, prefix);
  }

  /** Whether the 4- or 16-byte {@code address} lies in this range. */
  public boolean contains(byte[] address) {
    if (address.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (address[full] & mask) == (network[full] & mask);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(network) * 31 + prefix;
  }

  /** The canonical text, always with a prefix length: {@code 10.0.0.0/8}. */
  @Override
  public String toString() {
    return text;
  }
}
