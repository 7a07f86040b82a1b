package io.headroom.http.internal;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Strict textual IPv4 and IPv6 parsing into bytes, without any name lookup (unlike {@code
 * InetAddress.getByName}, which resolves host names), and the canonical text of an address (RFC
 * 5952 for IPv6). IPv4-mapped IPv6 addresses ({@code ::ffff:192.0.2.1}) are returned as their IPv4
 * form, so one client has one text whatever the socket family. Thread-safe (stateless).
 */
public final class IpAddresses {
  private IpAddresses() {}

  /**
   * The 4 or 16 bytes of {@code text}, or empty when it is not a literal address. Accepts dotted
   * quads, IPv6 with {@code ::} and an embedded IPv4 tail, brackets around IPv6 ({@code [::1]}) and
   * drops an IPv6 zone ({@code fe80::1%eth0}). IPv4-mapped IPv6 comes back as 4 bytes.
   */
  public static Optional<byte[]> parse(@Nullable String text) {
    if (text == null) {
      return Optional.empty();
    }
    String s = text.trim();
    if (s.length() > 2 && s.charAt(0) == '[' && s.charAt(s.length() - 1) == ']') {
      s = s.substring(1, s.length() - 1);
      if (s.indexOf(':') < 0) {
        return Optional.empty();
      }
    }
    if (s.isEmpty() || s.length() > 64) {
      return Optional.empty();
    }
    byte[] b = s.indexOf(':') >= 0 ? parseV6(s) : parseV4(s);
    if (b == null) {
      return Optional.empty();
    }
    return Optional.of(unmapV4(b));
  }

  /**
   * Strips a port from one hop as proxies write it: {@code 192.0.2.1:8080} or {@code
   * [2001:db8::1]:8080}; returns anything else unchanged (a bare IPv6 has several colons).
   */
  public static String stripPort(String hop) {
    String s = hop.trim();
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close > 0 && (close == s.length() - 1 || s.charAt(close + 1) == ':')) {
        return s.substring(0, close + 1);
      }
      return s;
    }
    int colon = s.indexOf(':');
    if (colon > 0 && colon == s.lastIndexOf(':')) {
      return s.substring(0, colon);
    }
    return s;
  }

  /** The canonical text of 4 or 16 address bytes: dotted quad, or RFC 5952 IPv6. */
  public static String format(byte[] address) {
    if (address.length == 4) {
      return (address[0] & 0xff)
          + "."
          + (address[1] & 0xff)
          + "."
          + (address[2] & 0xff)
          + "."
          + (address[3] & 0xff);
    }
    if (address.length != 16) {
      throw new IllegalArgumentException("address must have 4 or 16 bytes: " + address.length);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
    }
    // RFC 5952: compress the longest run (the first of equal ones) of two or more zero groups.
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    if (bestLen < 2) {
      bestStart = -1;
    }
    StringBuilder sb = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(groups[i]));
    }
    return sb.toString();
  }

  /** The canonical text of {@code text} if it is a literal address, else empty. */
  public static Optional<String> canonical(@Nullable String text) {
    return parse(text).map(IpAddresses::format);
  }

  private static byte[] unmapV4(byte[] b) {
    if (b.length != 16) {
      return b;
    }
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return b;
      }
    }
    if (b[10] != (byte) 0xff || b[11] != (byte) 0xff) {
      return b;
    }
    return new byte[] {b[12], b[13], b[14], b[15]};
  }

  private static byte @Nullable [] parseV4(String s) {
    byte[] out = new byte[4];
    int part = 0;
    int value = -1;
    int digits = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        if (digits > 0 && value == 0) {
          return null; // leading zero: octal in some parsers, refused
        }
        value = (value < 0 ? 0 : value) * 10 + (c - '0');
        if (value > 255 || ++digits > 3) {
          return null;
        }
      } else if (c == '.') {
        if (value < 0 || part == 3) {
          return null;
        }
        out[part++] = (byte) value;
        value = -1;
        digits = 0;
      } else {
        return null;
      }
    }
    if (value < 0 || part != 3) {
      return null;
    }
    out[3] = (byte) value;
    return out;
  }

  private static byte @Nullable [] parseV6(String text) {
    String s = text;
    int zone = s.indexOf('%');
    if (zone >= 0) {
      if (zone == s.length() - 1) {
        return null;
      }
      s = s.substring(0, zone);
    }
    byte[] out = new byte[16];
    int doubleColon = s.indexOf("::");
    if (doubleColon >= 0 && s.indexOf("::", doubleColon + 1) >= 0) {
      return null;
    }
    String head = doubleColon >= 0 ? s.substring(0, doubleColon) : s;
    String tail = doubleColon >= 0 ? s.substring(doubleColon + 2) : "";
    int[] headGroups = groups(head, doubleColon < 0);
    if (headGroups == null) {
      return null;
    }
    int[] tailGroups = doubleColon >= 0 ? groups(tail, true) : new int[0];
    if (tailGroups == null) {
      return null;
    }
    int total = headGroups.length + tailGroups.length;
    if (doubleColon < 0 ? total != 8 : total > 7) {
      return null;
    }
    for (int i = 0; i < headGroups.length; i++) {
      out[2 * i] = (byte) (headGroups[i] >>> 8);
      out[2 * i + 1] = (byte) headGroups[i];
    }
    int offset = 8 - tailGroups.length;
    for (int i = 0; i < tailGroups.length; i++) {
      out[2 * (offset + i)] = (byte) (tailGroups[i] >>> 8);
      out[2 * (offset + i) + 1] = (byte) tailGroups[i];
    }
    return out;
  }

  /**
   * The 16-bit groups of a colon-separated run; an IPv4 tail (allowed only at the very end of the
   * address, so only when {@code last}) counts as two groups.
   */
  private static int @Nullable [] groups(String s, boolean last) {
    if (s.isEmpty()) {
      return new int[0];
    }
    String[] parts = s.split(":", -1);
    int count = parts.length;
    boolean v4Tail = last && parts[count - 1].indexOf('.') >= 0;
    int[] out = new int[v4Tail ? count + 1 : count];
    for (int i = 0; i < count; i++) {
      String p = parts[i];
      if (v4Tail && i == count - 1) {
        byte[] v4 = parseV4(p);
        if (v4 == null) {
          return null;
        }
        out[i] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
        out[i + 1] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
        continue;
      }
      if (p.isEmpty() || p.length() > 4) {
        return null;
      }
      int v = 0;
      for (int k = 0; k < p.length(); k++) {
        int d = Character.digit(p.charAt(k), 16);
        if (d < 0) {
          return null;
        }
        v = (v << 4) | d;
      }
      out[i] = v;
    }
    return out;
  }
}
