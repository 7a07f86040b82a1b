package io.headroom.breaker;

import io.headroom.core.Settings;
import io.headroom.core.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A circuit breaker guarding one dependency: it lets calls through while the dependency is healthy,
 * rejects them at once ({@link BreakerOpenException}) while it is not, and lets a few trial calls
 * through after a growing wait to find out whether it has recovered.
 *
 * <pre>{@code
 * Breaker payments = registry.breaker("payments", BreakerPreset.PAYMENT_API);
 * Receipt r = payments.call(() -> psp.charge(order));                 // throws when open
 * Page p = db.call(() -> dao.page(q), failure -> Page.empty());       // fallback instead
 *
 * // hot paths: one handler for every call, the per-call state in a context argument
 * CompletableFuture<Object> f = redis.guardAsync(key, k -> connector.get(k), L2_OUTCOME);
 * }</pre>
 *
 * <h2>Fallbacks</h2>
 *
 * A fallback receives the cause: the {@link BreakerOpenException} when the call is not permitted;
 * the exception the call threw when it counts as a failure or is ignored (which may be the
 * dependency's own timeout); or, for {@link #callAsync}, the {@link BreakerTimeoutException} when
 * the stage did not complete within {@link BreakerConfig#callTimeout()}. An exception that the
 * configuration classifies as a success, such as a SQL constraint violation for {@link
 * BreakerPreset#DATABASE}, is rethrown instead: the dependency answered and the caller must see the
 * answer. Errors such as {@link OutOfMemoryError} are always rethrown.
 *
 * <p><b>Non-idempotent calls</b> ({@link BreakerPreset#PAYMENT_API}): a fallback must never report
 * success for a call that may have reached the dependency. A timeout or a dropped connection does
 * not mean the charge failed; the fallback should answer "pending" or "unknown" and leave the
 * outcome to reconciliation (an idempotency key and a status query), or rethrow. Only a {@link
 * BreakerOpenException} proves the call was never sent.
 *
 * <h2>Time</h2>
 *
 * Durations are measured with the injected {@link Ticker}. Synchronous calls are never timed out by
 * the breaker: they must carry their own timeout (JDBC query timeout, Redis command timeout, HTTP
 * read timeout). {@link #callAsync} fails a stage that has not completed within {@link
 * BreakerConfig#callTimeout()} (every preset sets one, as a backstop above the client's own
 * timeout) with a {@link BreakerTimeoutException}, records it as a failure and cancels the stage,
 * so that a hung call cannot hold its permission, or a half-open trial, for ever. A breaker moves
 * from open to half-open on the first call after the wait (no background thread), so {@link
 * #state()} can read {@code OPEN} after the wait until traffic arrives.
 *
 * <p>Implementations are thread-safe.
 */
public interface Breaker {

  /**
   * A standalone breaker with no metrics, the system ticker and no listener. Prefer a {@link
   * BreakerRegistry}, which adds metrics, settings overrides and snapshots.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} breaks the naming rule of {@link
   *     Settings#checkName(String)}
   */
  static Breaker of(String name, BreakerPreset preset) {
    return of(name, preset.config());
  }

  /**
   * A standalone breaker with the given configuration, no metrics and the system ticker.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} breaks the naming rule of {@link
   *     Settings#checkName(String)}
   */
  static Breaker of(String name, BreakerConfig config) {
    return new DefaultBreaker(name, config, Ticker.system(), BreakerListener.NOOP);
  }

  /**
   * The default breaker of a headroom component that was given none, built the same way in every
   * module: named {@code <module>-<component>}, from {@code preset} with the overrides under {@code
   * HEADROOM_BREAKER_<MODULE>_<COMPONENT>_*}, its meters in {@code meters} (none when null) and its
   * time from {@code ticker}.
   *
   * @throws NullPointerException if an argument other than {@code meters} is null
   * @throws IllegalArgumentException if {@code module} or {@code component} breaks the naming rule
   * @throws io.headroom.core.SettingsException if an override is malformed
   */
  static Breaker forComponent(
      String module,
      String component,
      BreakerPreset preset,
      Settings settings,
      @Nullable MeterRegistry meters,
      Ticker ticker) {
    Settings.componentPrefix(module, component);
    BreakerRegistry.Builder b = BreakerRegistry.builder().settings(settings).ticker(ticker);
    if (meters != null) {
      b.meterRegistry(meters);
    }
    return b.build().breaker(module + "-" + component, preset);
  }

  /** The breaker's name, used in metrics tags, settings keys and exceptions. */
  String name();

  /** The preset this breaker's configuration derives from. */
  BreakerPreset preset();

  /** The configuration the breaker was built with (settings overrides applied). */
  BreakerConfig config();

  /**
   * Runs {@code supplier} if permitted and records its outcome.
   *
   * @return what {@code supplier} returned
   * @throws BreakerOpenException (stackless) if the breaker does not permit the call
   * @throws RuntimeException whatever {@code supplier} threw, unchanged
   */
  <T extends @Nullable Object> T call(Supplier<? extends T> supplier);

  /**
   * Runs {@code supplier} if permitted and records its outcome; on rejection or failure returns
   * what {@code fallback} makes of the {@link BreakerOpenException} or the failure.
   *
   * @return the supplier's value, or the fallback's
   * @throws RuntimeException an exception classified as success (the dependency answered), or
   *     whatever {@code fallback} threw
   */
  <T extends @Nullable Object> T call(
      Supplier<? extends T> supplier, Function<? super Throwable, ? extends T> fallback);

  /**
   * Runs {@code supplier}, which may throw a checked exception, if permitted and records its
   * outcome; the checked exception reaches the caller unchanged.
   *
   * <pre>{@code
   * smtp.callChecked(() -> { Transport.send(message); return null; });   // throws MessagingException
   * }</pre>
   *
   * @return what {@code supplier} returned
   * @throws BreakerOpenException (stackless) if the breaker does not permit the call
   * @throws X whatever {@code supplier} threw, unchanged
   */
  <T extends @Nullable Object, X extends Exception> T callChecked(
      CheckedSupplier<? extends T, X> supplier) throws X;

  /**
   * Makes a synchronous call for a hot path: if permitted, runs {@code call} with {@code context},
   * records the outcome, and returns what {@code outcome} makes of it; when not permitted, returns
   * {@link GuardedCall#notPermitted}. Allocation-free. An {@link Error} from the call releases the
   * permission and is rethrown.
   *
   * @throws RuntimeException whatever {@code outcome} throws
   */
  <C extends @Nullable Object, T extends @Nullable Object, R> R guard(
      C context,
      CheckedFunction<? super C, ? extends T> call,
      GuardedCall<? super C, ? super T, R> outcome);

  /**
   * Makes an asynchronous call for a hot path: if permitted, starts {@code call} with {@code
   * context} and, when its stage completes, records the outcome and completes the returned future
   * with what {@code outcome} makes of it. When not permitted, the future is already complete with
   * {@link GuardedCall#notPermitted}. An exception thrown by {@code call} itself is a failure like
   * a failed stage. The returned future fails only if {@code outcome} throws. Unlike {@link
   * #callAsync}, no {@linkplain BreakerConfig#callTimeout() call timeout} is scheduled: the call
   * must carry its own (a Redis command timeout).
   */
  <C extends @Nullable Object, T extends @Nullable Object, R> CompletableFuture<R> guardAsync(
      C context,
      java.util.function.Function<? super C, ? extends CompletionStage<? extends T>> call,
      GuardedCall<? super C, ? super T, R> outcome);

  /**
   * Whether this breaker counts {@code error} as a failure: not ignored, and recorded by its
   * configuration (a SQL constraint violation, for example, is an answer under {@link
   * BreakerPreset#DATABASE}). The one rule for callers that must treat answers and failures
   * differently.
   */
  boolean isFailure(Throwable error);

  /**
   * How long until an open breaker lets a trial call through: zero unless it is open (also zero
   * when the trial is due, and when it was forced open, which has no end). Use it for a {@code
   * Retry-After} answer.
   */
  Duration retryAfter();

  /**
   * Runs {@code runnable} if permitted and records its outcome.
   *
   * @throws BreakerOpenException (stackless) if the breaker does not permit the call
   * @throws RuntimeException whatever {@code runnable} threw, unchanged
   */
  void run(Runnable runnable);

  /**
   * Runs {@code runnable} if permitted; on rejection or failure passes the {@link
   * BreakerOpenException} or the failure to {@code fallback}.
   *
   * @throws RuntimeException an exception classified as success, or whatever {@code fallback} threw
   */
  void run(Runnable runnable, Consumer<? super Throwable> fallback);

  /**
   * Starts {@code supplier}'s asynchronous work if permitted and records its outcome when the stage
   * completes, or when {@link BreakerConfig#callTimeout()} elapses first: then the returned stage
   * fails with a {@link BreakerTimeoutException}, the timeout is recorded as a failure, the
   * supplier's stage is cancelled (if it is a {@link java.util.concurrent.Future}) and its late
   * outcome is not recorded. Never throws: a rejection, or an exception thrown by {@code supplier}
   * itself, becomes a failed stage.
   *
   * @return a stage that completes like the supplier's, or fails with {@link BreakerOpenException}
   *     or {@link BreakerTimeoutException}
   */
  <T extends @Nullable Object> CompletionStage<T> callAsync(
      Supplier<? extends CompletionStage<T>> supplier);

  /**
   * Like {@link #callAsync(Supplier)}, recovering a rejection, failure or timeout with {@code
   * fallback}, which receives the unwrapped cause: {@link BreakerOpenException}, the failure, or
   * {@link BreakerTimeoutException}.
   *
   * @return a stage with the supplier's value or the fallback's
   */
  <T extends @Nullable Object> CompletionStage<T> callAsync(
      Supplier<? extends CompletionStage<T>> supplier,
      Function<? super Throwable, ? extends T> fallback);

  /**
   * Asks to make a call; allocation-free. Every {@code true} must be followed by exactly one of
   * {@link #onSuccess}, {@link #onError} or {@link #releasePermission}.
   *
   * @return {@code false} if the breaker is open (counted as a not-permitted call)
   */
  boolean tryAcquirePermission();

  /**
   * Records a permitted call that succeeded; allocation-free.
   *
   * @param durationNanos how long it took, read from the same ticker as the breaker's
   */
  void onSuccess(long durationNanos);

  /**
   * Records a permitted call that failed, applying the classification: ignored exceptions release
   * the permission, exceptions not recorded as failures count as successes. {@code
   * CompletionException} and {@code ExecutionException} are unwrapped first.
   *
   * @param durationNanos how long it took
   * @param error what it threw
   */
  void onError(long durationNanos, Throwable error);

  /** Gives back a permission whose call was abandoned without an outcome (e.g. cancelled). */
  void releasePermission();

  /** The current state. */
  BreakerState state();

  /** A point-in-time view of the state and the sliding window. */
  BreakerSnapshot snapshot();

  /** Opens the breaker and keeps it open until {@link #reset()} (an operator's switch). */
  void forceOpen();

  /** Disables the breaker (every call permitted, nothing recorded) until {@link #reset()}. */
  void disable();

  /** Closes the breaker and forgets every recorded outcome and backoff. */
  void reset();
}
