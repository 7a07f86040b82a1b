package io.headroom.http;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Minimal servlet request and response stand-ins for unit tests (no container). */
final class Fakes {
  private Fakes() {}

  /** A request with a peer address, a method, a path and headers (name -> values in order). */
  static HttpServletRequest request(
      String method, String path, String peer, Map<String, List<String>> headers) {
    Map<String, Object> attributes = new HashMap<>();
    Map<String, List<String>> lower = new HashMap<>();
    headers.forEach((k, v) -> lower.put(k.toLowerCase(java.util.Locale.ROOT), v));
    return (HttpServletRequest)
        Proxy.newProxyInstance(
            Fakes.class.getClassLoader(),
            new Class<?>[] {HttpServletRequest.class},
            (proxy, m, args) ->
                switch (m.getName()) {
                  case "getRemoteAddr" -> peer;
                  case "getMethod" -> method;
                  case "getRequestURI", "getServletPath" -> path;
                  case "getPathInfo", "getQueryString", "getUserPrincipal" -> null;
                  case "getContextPath" -> "";
                  case "getHeaders" ->
                      Collections.enumeration(
                          lower.getOrDefault(
                              ((String) args[0]).toLowerCase(java.util.Locale.ROOT), List.of()));
                  case "getHeader" -> {
                    List<String> v =
                        lower.getOrDefault(
                            ((String) args[0]).toLowerCase(java.util.Locale.ROOT), List.of());
                    yield v.isEmpty() ? null : v.get(0);
                  }
                  case "getAttribute" -> attributes.get((String) args[0]);
                  case "setAttribute" -> {
                    attributes.put((String) args[0], args[1]);
                    yield null;
                  }
                  case "removeAttribute" -> {
                    attributes.remove((String) args[0]);
                    yield null;
                  }
                  case "toString" -> method + " " + path;
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  default -> throw new UnsupportedOperationException(m.getName());
                });
  }

  /** A response that records what was written. */
  static final class Response {
    int status = 200;
    @Nullable String contentType;
    int contentLength = -1;
    boolean committed;
    final Map<String, List<String>> headers = new LinkedHashMap<>();
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    final HttpServletResponse proxy;

    Response() {
      ServletOutputStream out =
          new ServletOutputStream() {
            @Override
            public boolean isReady() {
              return true;
            }

            @Override
            public void setWriteListener(WriteListener writeListener) {}

            @Override
            public void write(int b) {
              body.write(b);
            }
          };
      proxy =
          (HttpServletResponse)
              Proxy.newProxyInstance(
                  Fakes.class.getClassLoader(),
                  new Class<?>[] {HttpServletResponse.class},
                  (p, m, args) ->
                      switch (m.getName()) {
                        case "isCommitted" -> committed;
                        case "resetBuffer" -> {
                          body.reset();
                          yield null;
                        }
                        case "setStatus" -> {
                          status = (Integer) args[0];
                          yield null;
                        }
                        case "getStatus" -> status;
                        case "setContentType" -> {
                          contentType = (String) args[0];
                          yield null;
                        }
                        case "getContentType" -> contentType;
                        case "setContentLength" -> {
                          contentLength = (Integer) args[0];
                          yield null;
                        }
                        case "setHeader" -> {
                          headers.put((String) args[0], new ArrayList<>(List.of((String) args[1])));
                          yield null;
                        }
                        case "addHeader" -> {
                          headers
                              .computeIfAbsent((String) args[0], k -> new ArrayList<>())
                              .add((String) args[1]);
                          yield null;
                        }
                        case "getHeader" -> {
                          List<String> v = headers.get((String) args[0]);
                          yield v == null ? null : v.get(0);
                        }
                        case "getOutputStream" -> out;
                        case "toString" -> "Response";
                        case "hashCode" -> System.identityHashCode(p);
                        case "equals" -> p == args[0];
                        default -> throw new UnsupportedOperationException(m.getName());
                      });
    }

    String bodyText() {
      return body.toString(StandardCharsets.UTF_8);
    }
  }
}
