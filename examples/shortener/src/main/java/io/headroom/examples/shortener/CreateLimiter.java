package io.headroom.examples.shortener;

import java.util.Map;

/** The per-client limit on link creation, with the headers every answer carries. */
interface CreateLimiter extends AutoCloseable {

  /** The outcome of one attempt. */
  enum Outcome {
    ALLOWED,
    /** The client is over its limit: 429. */
    LIMITED,
    /** The limiter's store is down and its policy is to fail closed: 503. */
    UNAVAILABLE
  }

  /**
   * The decision and its headers ({@code RateLimit-Policy}, {@code RateLimit}, {@code
   * X-RateLimit-*}, and {@code Retry-After} when not allowed).
   */
  record Verdict(Outcome outcome, Map<String, String> headers) {}

  Verdict tryAcquire(String client);

  @Override
  default void close() {}
}
