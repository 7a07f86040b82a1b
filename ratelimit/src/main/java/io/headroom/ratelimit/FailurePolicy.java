package io.headroom.ratelimit;

/**
 * What a Redis-backed limiter decides while Redis is unreachable, too slow, or its breaker is open.
 * Recovery is automatic: once the breaker lets trial calls through and they succeed, decisions come
 * from Redis again.
 */
public enum FailurePolicy {
  /** Allow every request ({@link Decision.Reason#FAILED_OPEN}): availability over protection. */
  FAIL_OPEN,
  /**
   * Deny every request with {@link Decision.Reason#UNAVAILABLE}, which applications answer with
   * HTTP 503 (not 429): for limits that protect money or security (logins, payments).
   */
  FAIL_CLOSED,
  /**
   * Decide with an in-process limiter on this node, whose limits are the configured fraction of the
   * real ones ({@code RateLimiter.Builder#localFallbackFraction}, ideally {@code 1 / nodes}).
   */
  LOCAL_FALLBACK
}
