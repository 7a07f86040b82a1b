package io.headroom.examples.shortener;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The redirect hot path, {@code GET /{code}}, answered before Javalin's router.
 *
 * <p>Javalin matches a request against every route's regular expression and builds its context,
 * task queue and error mapper per request; profiling the load test showed that this cost more than
 * the redirect itself (about half of all allocation was {@code java.util.regex.Matcher}s). This
 * filter takes only {@code GET} requests whose path is {@code /} plus 1 to {@value
 * io.headroom.idgen.ShortCodes#MAX_LENGTH} base62 characters (what a code can be), other than the
 * paths Javalin routes to something else ({@code /health}, {@code /metrics}), and answers them with
 * the same logic as {@link LinkApi#redirectTarget(String)}: 302, or a problem+json 404, 410 or 503.
 * Everything else goes down the chain to Javalin unchanged, including paths that are not codes
 * (Javalin's {@code /{code}} route answers their 404).
 */
final class RedirectFilter implements Filter {
  private final LinkApi api;

  RedirectFilter(LinkApi api) {
    this.api = api;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest req = (HttpServletRequest) request;
    String path = req.getRequestURI();
    if (!"GET".equals(req.getMethod()) || !isCodePath(path)) {
      chain.doFilter(request, response);
      return;
    }
    api.redirect(path.substring(1), (HttpServletResponse) response);
  }

  /** Whether {@code path} is {@code /} plus a possible short code, and not a route of its own. */
  static boolean isCodePath(String path) {
    int n = path.length();
    if (n < 2 || n > 1 + io.headroom.idgen.ShortCodes.MAX_LENGTH || path.charAt(0) != '/') {
      return false;
    }
    for (int i = 1; i < n; i++) {
      char c = path.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
        return false;
      }
    }
    return !path.equals("/health") && !path.equals("/metrics");
  }
}
