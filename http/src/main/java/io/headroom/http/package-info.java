/**
 * Where requests meet headroom: framework-neutral {@code jakarta.servlet} filters for the client
 * address behind trusted proxies, rate limits, a response cache over a tiered cache, request
 * metrics, and RFC 9457 problem bodies. Runs in any servlet 6 container (Tomcat, Jetty, Undertow,
 * Spring MVC, Javalin).
 */
@NullMarked
package io.headroom.http;

import org.jspecify.annotations.NullMarked;
