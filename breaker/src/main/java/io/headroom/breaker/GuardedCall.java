package io.headroom.breaker;

import org.jspecify.annotations.Nullable;

/**
 * What a hot path does with each outcome of a call made through {@link Breaker#guard} or {@link
 * Breaker#guardAsync}: the breaker takes the permission, reads the ticker, makes the call and
 * records its outcome; this handler turns the outcome into the caller's result and updates the
 * caller's meters. One handler instance serves every call, and the per-call state travels in the
 * {@code context} argument, so a guarded call allocates nothing of its own on the synchronous path.
 *
 * <pre>{@code
 * // in a cache: a Redis failure is a miss
 * static final GuardedCall<Meters, Object, Object> L2 = new GuardedCall<>() {
 *   public Object notPermitted(Meters m) { m.breakerOpen.increment(); return MISS; }
 *   public Object succeeded(Meters m, Object reply, long nanos) { return reply; }
 *   public Object failed(Meters m, Throwable error, long nanos) { m.errors.increment(); return MISS; }
 * };
 * CompletableFuture<Object> f = breaker.guardAsync(meters, m -> redis.get(key), L2);
 * }</pre>
 *
 * <p>Implementations must be thread-safe.
 *
 * @param <C> the per-call context
 * @param <T> the call's value
 * @param <R> the caller's result
 */
public interface GuardedCall<C extends @Nullable Object, T extends @Nullable Object, R> {

  /**
   * The result when the breaker did not permit the call (it was never made); {@link
   * Breaker#retryAfter()} says when the next trial is due.
   */
  R notPermitted(C context);

  /**
   * The result of a call that returned {@code value}; the success is already recorded. A {@link
   * RuntimeException} thrown here (a reply the caller cannot use) is recorded as a failure of the
   * call and handed to {@link #failed}.
   *
   * @param nanos how long the call took, on the breaker's ticker
   */
  R succeeded(C context, T value, long nanos);

  /**
   * The result of a call that failed; the failure is already recorded (classified by the breaker's
   * configuration, so an "answer" such as a constraint violation counted as a success). May throw
   * to propagate the error instead.
   *
   * @param error what the call threw, with {@code CompletionException} and {@code
   *     ExecutionException} unwrapped
   * @param nanos how long the call took, on the breaker's ticker
   */
  R failed(C context, Throwable error, long nanos);
}
