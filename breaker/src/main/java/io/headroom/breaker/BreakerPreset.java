package io.headroom.breaker;

/**
 * Ready-made breaker settings per kind of dependency. The numbers and the reasons for them are in
 * the module README; any of them can be overridden in code ({@code preset.config().toBuilder()}) or
 * from the environment ({@link BreakerConfig#from(io.headroom.core.Settings, String,
 * BreakerPreset)}).
 *
 * <p>Immutable and thread-safe.
 */
public enum BreakerPreset {
  /**
   * A relational database through a connection pool: high volume, request/response. SQL constraint
   * violations (SQLState class 23) are answers, not failures.
   */
  DATABASE,
  /** Redis used as a cache or limiter store: very fast calls whose fallback is cheap. */
  REDIS,
  /** An SMTP relay or e-mail API: low volume, slow calls, providers that throttle. */
  SMTP,
  /**
   * An external payment provider: costly failures, non-idempotent calls. A fallback must never
   * report success for a call that may have reached the provider (see {@link Breaker}).
   */
  PAYMENT_API,
  /** Object storage or a network file system: moderate volume, large and slow transfers. */
  FILE_STORAGE;

  /** The configuration of this preset. */
  public BreakerConfig config() {
    return Presets.config(this);
  }
}
