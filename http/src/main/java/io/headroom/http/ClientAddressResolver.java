package io.headroom.http;

import io.headroom.core.Checks;
import io.headroom.core.Settings;
import io.headroom.http.internal.Cidr;
import io.headroom.http.internal.IpAddresses;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Who the client is: the socket peer, unless the peer is a trusted proxy; then the right-most hop
 * of {@code X-Forwarded-For} (or RFC 7239 {@code Forwarded}) that is not itself a trusted proxy.
 *
 * <pre>{@code
 * ClientAddressResolver clients = ClientAddressResolver.builder()
 *     .trustedProxies("10.0.0.0/8", "fd00::/8")          // the load balancers
 *     .settings(Settings.fromEnvironment())              // HEADROOM_HTTP_TRUSTED_PROXIES wins
 *     .build();
 * String ip = clients.resolve(request);                    // "203.0.113.7"
 * }</pre>
 *
 * <p>A client can never choose its own address: from an untrusted peer the headers are not read at
 * all, and through trusted proxies only the hops they appended count (the walk goes from the right,
 * and stops at the first hop that is not a trusted proxy). Each proxy must append (not replace) the
 * header this resolver reads, and strip the other one or be configured for it; the default is
 * {@code X-Forwarded-For}. Garbage is ignored, never an error: a hop that is not an IP literal
 * ({@code unknown}, an obfuscated {@code _node}, a name, a typo) ends the walk, and the answer is
 * the nearest trusted hop before it (a proxy's address, so such clients share its rate limit rather
 * than choosing a key). Addresses come back in one canonical text: dotted quad for IPv4 (also for
 * IPv4-mapped IPv6 peers), RFC 5952 for IPv6 ({@code 2001:db8::1}), no port, no brackets; a peer
 * that is not an IP literal (a Unix socket) is returned as the container gave it.
 *
 * <p>Immutable and thread-safe. {@link #resolve(HttpServletRequest)} caches its answer in the
 * request attribute {@link #ATTRIBUTE}, so several filters pay for one resolution.
 */
public final class ClientAddressResolver {
  /** The request attribute holding the resolved address. */
  public static final String ATTRIBUTE = "io.headroom.http.clientAddress";

  /** The {@code X-Forwarded-For} header. */
  public static final String X_FORWARDED_FOR = "X-Forwarded-For";

  /** The RFC 7239 {@code Forwarded} header. */
  public static final String FORWARDED = "Forwarded";

  /** Which header a trusted proxy writes the client chain into. */
  public enum Header {
    /** {@code X-Forwarded-For: client, proxy1, proxy2} (the default). */
    X_FORWARDED_FOR,
    /** RFC 7239 {@code Forwarded: for=client;proto=https, for="[2001:db8::1]:4711"}. */
    FORWARDED
  }

  private static final ClientAddressResolver DIRECT =
      new ClientAddressResolver(List.of(), Header.X_FORWARDED_FOR);

  private final List<Cidr> trusted;
  private final Header header;

  private ClientAddressResolver(List<Cidr> trusted, Header header) {
    this.trusted = List.copyOf(trusted);
    this.header = header;
  }

  /** A resolver that trusts no proxy: the client is always the socket peer. */
  public static ClientAddressResolver direct() {
    return DIRECT;
  }

  /**
   * A resolver trusting the proxies in {@code cidrs} and reading {@code X-Forwarded-For}.
   *
   * @throws IllegalArgumentException naming the value if one is not an address or CIDR range
   */
  public static ClientAddressResolver trusting(String... cidrs) {
    return builder().trustedProxies(cidrs).build();
  }

  /**
   * A resolver configured only from settings: {@code HEADROOM_HTTP_TRUSTED_PROXIES}
   * (comma-separated CIDRs, default none) and {@code HEADROOM_HTTP_FORWARDED_HEADER} ({@code
   * x_forwarded_for} or {@code forwarded}).
   *
   * @throws io.headroom.core.SettingsException naming the key and value if one is invalid
   */
  public static ClientAddressResolver from(Settings settings) {
    return builder().settings(settings).build();
  }

  /** A builder trusting no proxy and reading {@code X-Forwarded-For}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this resolver's configuration. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.trusted.addAll(trusted);
    b.header = header;
    return b;
  }

  /** The trusted proxy ranges, in canonical CIDR text. */
  public List<String> trustedProxies() {
    List<String> out = new ArrayList<>(trusted.size());
    for (Cidr c : trusted) {
      out.add(c.toString());
    }
    return Collections.unmodifiableList(out);
  }

  /** The header read from trusted proxies. */
  public Header header() {
    return header;
  }

  /** Whether {@code address} is an IP literal inside a trusted proxy range. */
  public boolean isTrustedProxy(String address) {
    Optional<byte[]> b = IpAddresses.parse(Checks.notNull(address, "address"));
    return b.isPresent() && isTrusted(b.get());
  }

  /**
   * The client address of {@code request} (cached in the attribute {@link #ATTRIBUTE}).
   *
   * @throws NullPointerException if {@code request} is null
   */
  public String resolve(HttpServletRequest request) {
    Checks.notNull(request, "request");
    if (request.getAttribute(ATTRIBUTE) instanceof String cached) {
      return cached;
    }
    String peer = request.getRemoteAddr();
    String resolved;
    if (trusted.isEmpty()) {
      resolved = IpAddresses.canonical(peer).orElse(String.valueOf(peer));
    } else {
      String name = header == Header.FORWARDED ? FORWARDED : X_FORWARDED_FOR;
      Enumeration<String> values = request.getHeaders(name);
      resolved =
          resolve(String.valueOf(peer), values == null ? List.of() : Collections.list(values));
    }
    request.setAttribute(ATTRIBUTE, resolved);
    return resolved;
  }

  /**
   * The client address for a socket {@code peer} and the values of the configured header, in the
   * order they arrived (several header lines are one comma-separated list, RFC 9110 5.3). For
   * frameworks without a servlet request.
   *
   * @throws NullPointerException if an argument is null
   */
  public String resolve(String peer, List<String> headerValues) {
    Checks.notNull(peer, "peer");
    Checks.notNull(headerValues, "headerValues");
    Optional<byte[]> peerBytes = IpAddresses.parse(peer);
    if (peerBytes.isEmpty()) {
      return peer;
    }
    byte[] nearest = peerBytes.get();
    if (!isTrusted(nearest) || headerValues.isEmpty()) {
      return IpAddresses.format(nearest);
    }
    List<String> hops = hops(headerValues);
    for (int i = hops.size() - 1; i >= 0; i--) {
      Optional<byte[]> hop = parseHop(hops.get(i));
      if (hop.isEmpty()) {
        break; // garbage: the chain cannot be followed past it
      }
      nearest = hop.get();
      if (!isTrusted(nearest)) {
        break;
      }
    }
    return IpAddresses.format(nearest);
  }

  private boolean isTrusted(byte[] address) {
    for (Cidr c : trusted) {
      if (c.contains(address)) {
        return true;
      }
    }
    return false;
  }

  private List<String> hops(List<String> values) {
    List<String> hops = new ArrayList<>();
    for (String v : values) {
      if (v == null) {
        continue;
      }
      splitOutsideQuotes(v, hops);
    }
    return hops;
  }

  private Optional<byte[]> parseHop(String hop) {
    String address = header == Header.FORWARDED ? forValue(hop) : hop;
    if (address == null) {
      return Optional.empty();
    }
    return IpAddresses.parse(IpAddresses.stripPort(address));
  }

  /** The {@code for=} value of one Forwarded element, unquoted, or null. */
  private static @Nullable String forValue(String element) {
    List<String> pairs = new ArrayList<>(4);
    splitOutsideQuotes(element, ';', pairs);
    for (String pair : pairs) {
      int eq = pair.indexOf('=');
      if (eq <= 0 || !pair.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("for")) {
        continue;
      }
      String v = pair.substring(eq + 1).trim();
      if (v.length() >= 2 && v.charAt(0) == '"' && v.charAt(v.length() - 1) == '"') {
        v = v.substring(1, v.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
      }
      return v;
    }
    return null;
  }

  private static void splitOutsideQuotes(String s, List<String> out) {
    splitOutsideQuotes(s, ',', out);
  }

  private static void splitOutsideQuotes(String s, char separator, List<String> out) {
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quoted && c == '\\') {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == separator && !quoted) {
        out.add(s.substring(start, i).trim());
        start = i + 1;
      }
    }
    out.add(s.substring(start).trim());
  }

  @Override
  public String toString() {
    return "ClientAddressResolver{trustedProxies=" + trustedProxies() + ", header=" + header + "}";
  }

  /** Builds a {@link ClientAddressResolver}; not thread-safe. */
  public static final class Builder {
    private final List<Cidr> trusted = new ArrayList<>();
    private Header header = Header.X_FORWARDED_FOR;
    private @Nullable Settings settings;

    private Builder() {}

    /**
     * Adds trusted proxy ranges: CIDRs ({@code 10.0.0.0/8}, {@code fd00::/8}) or single addresses.
     * Only the proxies directly in front of the service belong here, never a client network.
     *
     * @throws IllegalArgumentException naming the value if one is not an address or CIDR range
     */
    public Builder trustedProxies(String... cidrs) {
      Checks.notNull(cidrs, "cidrs");
      for (String c : cidrs) {
        trusted.add(Cidr.parse(Checks.notNull(c, "cidr")));
      }
      return this;
    }

    /**
     * Replaces the trusted proxy ranges with a comma-separated list (blank = none).
     *
     * @throws IllegalArgumentException naming the value if one is not an address or CIDR range
     */
    public Builder trustedProxyList(String commaSeparated) {
      Checks.notNull(commaSeparated, "commaSeparated");
      List<Cidr> parsed = new ArrayList<>();
      for (String c : commaSeparated.split(",", -1)) {
        if (!c.isBlank()) {
          parsed.add(Cidr.parse(c));
        }
      }
      trusted.clear();
      trusted.addAll(parsed);
      return this;
    }

    /** The header trusted proxies write ({@link Header#X_FORWARDED_FOR} by default). */
    public Builder header(Header header) {
      this.header = Checks.notNull(header, "header");
      return this;
    }

    /**
     * Settings that win over the code in {@link #build()}: {@code HEADROOM_HTTP_TRUSTED_PROXIES}
     * (replaces the list) and {@code HEADROOM_HTTP_FORWARDED_HEADER}.
     */
    public Builder settings(Settings settings) {
      this.settings = Checks.notNull(settings, "settings");
      return this;
    }

    /**
     * The resolver.
     *
     * @throws io.headroom.core.SettingsException naming the key and value if a setting is invalid
     */
    public ClientAddressResolver build() {
      Settings s = settings;
      if (s != null) {
        Settings http = s.forModule("http");
        http.override("TRUSTED_PROXIES", Settings.STRING, this::trustedProxyList);
        http.override("FORWARDED_HEADER", Settings.enumOf(Header.class), this::header);
      }
      return new ClientAddressResolver(trusted, header);
    }
  }
}
