package io.headroom.examples.shortener;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Accepts absolute {@code http} and {@code https} URLs with a host, at most {@link #MAX_LENGTH}
 * characters, without credentials. Everything else ({@code javascript:}, {@code data:}, {@code
 * file:}, relative references, control characters, spaces) is refused with a {@link
 * ProblemException} of status 400 whose detail says why.
 */
final class UrlValidator {
  static final int MAX_LENGTH = 2048;

  private UrlValidator() {}

  /** Returns the URL unchanged if it is acceptable. */
  static String validate(String url) {
    if (url.isBlank()) {
      throw invalid("url must not be blank");
    }
    if (url.length() > MAX_LENGTH) {
      throw invalid("url must be at most " + MAX_LENGTH + " characters, got " + url.length());
    }
    for (int i = 0; i < url.length(); i++) {
      char c = url.charAt(i);
      if (c <= 0x20 || c == 0x7f) {
        throw invalid("url must not contain spaces or control characters (index " + i + ")");
      }
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw invalid("url is not a valid URI: " + e.getReason() + " at index " + e.getIndex());
    }
    String scheme = uri.getScheme();
    if (scheme == null) {
      throw invalid("url must be absolute, with an http or https scheme");
    }
    String s = scheme.toLowerCase(Locale.ROOT);
    if (!s.equals("http") && !s.equals("https")) {
      throw invalid("url scheme must be http or https, not '" + scheme + "'");
    }
    if (uri.isOpaque()) {
      throw invalid("url must be hierarchical (scheme://host/...)");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw invalid("url must have a host");
    }
    if (uri.getRawUserInfo() != null) {
      throw invalid("url must not carry credentials (user:password@)");
    }
    return url;
  }

  private static ProblemException invalid(String detail) {
    return ProblemException.badRequest("invalid-url", "Invalid URL", detail);
  }
}
