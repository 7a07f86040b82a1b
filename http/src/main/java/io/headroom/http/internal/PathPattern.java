package io.headroom.http.internal;

import java.util.regex.Pattern;

/**
 * A path pattern matched against the path within the application ({@link
 * RequestPaths#path(jakarta.servlet.http.HttpServletRequest)}): {@code *} matches any characters
 * except {@code /}, {@code **} any characters including {@code /}, {@code {name}} one non-empty run
 * without {@code /} (a route-template variable); a pattern ending in {@code /**} also matches its
 * bare prefix ({@code /api/**} matches {@code /api}). Everything else matches literally, case
 * sensitive. Exact and prefix patterns ({@code /metrics}, {@code /health**}) match without a regex.
 * Immutable and thread-safe.
 */
public final class PathPattern {
  private enum Kind {
    EXACT,
    PREFIX,
    REGEX
  }

  private final String pattern;
  private final Kind kind;
  private final String literal;
  private final Pattern regex;

  private PathPattern(String pattern) {
    this.pattern = pattern;
    String body = pattern;
    boolean bareSuffix = body.endsWith("/**");
    if (!hasWildcard(body)) {
      kind = Kind.EXACT;
      literal = body;
    } else if (body.endsWith("**") && !hasWildcard(body.substring(0, body.length() - 2))) {
      kind = Kind.PREFIX;
      literal = body.substring(0, body.length() - 2);
    } else {
      kind = Kind.REGEX;
      literal = "";
    }
    regex = Pattern.compile(toRegex(body, bareSuffix));
  }

  /**
   * Compiles {@code pattern}.
   *
   * @throws IllegalArgumentException naming the pattern if it does not start with {@code /} or has
   *     an unbalanced brace
   */
  public static PathPattern compile(String pattern) {
    if (pattern.isEmpty() || pattern.charAt(0) != '/') {
      throw new IllegalArgumentException("path pattern must start with '/': '" + pattern + "'");
    }
    int open = 0;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '{') {
        open++;
      } else if (c == '}') {
        open--;
      }
      if (open < 0 || open > 1) {
        throw new IllegalArgumentException("unbalanced '{' in path pattern: '" + pattern + "'");
      }
    }
    if (open != 0) {
      throw new IllegalArgumentException("unbalanced '{' in path pattern: '" + pattern + "'");
    }
    return new PathPattern(pattern);
  }

  /** Whether {@code path} matches. */
  public boolean matches(String path) {
    return switch (kind) {
      case EXACT -> path.equals(literal);
      case PREFIX ->
          path.startsWith(literal)
              || (literal.endsWith("/")
                  && path.length() + 1 == literal.length()
                  && literal.startsWith(path));
      case REGEX -> regex.matcher(path).matches();
    };
  }

  /** The pattern as written. */
  public String pattern() {
    return pattern;
  }

  /** Whether the pattern has no wildcard or variable (it is the only path it matches). */
  public boolean isExact() {
    return kind == Kind.EXACT;
  }

  @Override
  public String toString() {
    return pattern;
  }

  private static boolean hasWildcard(String s) {
    return s.indexOf('*') >= 0 || s.indexOf('{') >= 0;
  }

  private static String toRegex(String p, boolean bareSuffix) {
    StringBuilder sb = new StringBuilder();
    String body = bareSuffix ? p.substring(0, p.length() - 3) : p;
    int i = 0;
    while (i < body.length()) {
      char c = body.charAt(i);
      if (c == '*') {
        if (i + 1 < body.length() && body.charAt(i + 1) == '*') {
          sb.append(".*");
          i += 2;
        } else {
          sb.append("[^/]*");
          i++;
        }
      } else if (c == '{') {
        sb.append("[^/]+");
        i = body.indexOf('}', i) + 1;
      } else {
        int j = i;
        while (j < body.length() && body.charAt(j) != '*' && body.charAt(j) != '{') {
          j++;
        }
        sb.append(Pattern.quote(body.substring(i, j)));
        i = j;
      }
    }
    if (bareSuffix) {
      sb.append("(?:/.*)?");
    }
    return sb.toString();
  }
}
