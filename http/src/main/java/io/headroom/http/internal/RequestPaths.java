package io.headroom.http.internal;

import jakarta.servlet.http.HttpServletRequest;

/** The path a filter matches rules against. Thread-safe (stateless). */
public final class RequestPaths {
  private RequestPaths() {}

  /**
   * The decoded, normalized path within the application: servlet path plus path info, never the raw
   * request URI (whose {@code ..}, {@code ;params} and percent-escapes could dodge a rule); {@code
   * /} when both are empty. Works for a servlet mapped at {@code /*} (Javalin: empty servlet path)
   * and at {@code /} (Spring's DispatcherServlet: empty path info).
   */
  public static String path(HttpServletRequest request) {
    String servletPath = request.getServletPath();
    String pathInfo = request.getPathInfo();
    String s = servletPath == null ? "" : servletPath;
    if (pathInfo != null) {
      s = s + pathInfo;
    }
    return s.isEmpty() ? "/" : s;
  }
}
