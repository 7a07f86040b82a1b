package io.headroom.breaker;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.core.IntervalFunction;
import io.headroom.core.Checks;
import io.headroom.core.Settings;
import io.headroom.core.Ticker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The breaker: drives a resilience4j {@link CircuitBreaker} through its permission and outcome
 * methods (never its decorators, which allocate per call), adds the absolute failure-count rule on
 * top, and keeps the counters its meters read. Its resilience4j breaker has no event consumers, so
 * resilience4j allocates no event objects; state changes are detected by comparing states after
 * each operation.
 */
final class DefaultBreaker implements Breaker {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultBreaker.class);

  static final int REASON_NOT_PERMITTED = 0;
  static final int REASON_ERROR = 1;
  static final int REASON_TIMEOUT = 2;
  static final int REASONS = 3;
  static final int OUTCOME_SUCCESS = 0;
  static final int OUTCOME_FAILURE = 1;

  private final String name;
  private final BreakerConfig config;
  private final Ticker ticker;
  private final BreakerListener listener;
  private final CircuitBreaker cb;
  private final FailureCountWindow countRule;
  private final TimeoutScheduler timeouts;

  // Counters behind the meters (function meters read them at scrape time).
  final CallCounters calls = new CallCounters();
  final LongAdder notPermittedCalls = new LongAdder();
  final LongAdder[] fallbackCalls = newAdders(REASONS * 2);

  private final Object lock = new Object();
  private volatile CircuitBreaker.State observed;
  private volatile int openAttempts;
  private volatile long nextTrialAt;

  DefaultBreaker(String name, BreakerConfig config, Ticker ticker, BreakerListener listener) {
    this(name, config, ticker, listener, TimeoutScheduler.shared());
  }

  DefaultBreaker(
      String name,
      BreakerConfig config,
      Ticker ticker,
      BreakerListener listener,
      TimeoutScheduler timeouts) {
    this.timeouts = Checks.notNull(timeouts, "timeouts");
    this.name = Settings.checkName(name);
    this.config = Checks.notNull(config, "config");
    this.ticker = Checks.notNull(ticker, "ticker");
    this.listener = Checks.notNull(listener, "listener");
    this.countRule =
        new FailureCountWindow(
            config.failureCountThreshold(), config.failureCountWindow().toNanos());
    this.cb = CircuitBreaker.of(name, engineConfig(config, ticker));
    if (!config.enabled()) {
      cb.transitionToDisabledState();
    }
    this.observed = cb.getState();
  }

  private static LongAdder[] newAdders(int n) {
    LongAdder[] adders = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      adders[i] = new LongAdder();
    }
    return adders;
  }

  private static CircuitBreakerConfig engineConfig(BreakerConfig c, Ticker ticker) {
    IntervalFunction backoff = attempt -> c.openWait(Math.max(1, attempt)).toMillis();
    return CircuitBreakerConfig.custom()
        .slidingWindow(
            c.windowSize(),
            c.minimumCalls(),
            c.windowType() == BreakerConfig.WindowType.TIME_BASED
                ? SlidingWindowType.TIME_BASED
                : SlidingWindowType.COUNT_BASED)
        .failureRateThreshold((float) c.failureRateThreshold())
        .slowCallRateThreshold((float) c.slowCallRateThreshold())
        .slowCallDurationThreshold(c.slowCallDuration())
        .waitIntervalFunctionInOpenState(backoff)
        .permittedNumberOfCallsInHalfOpenState(c.halfOpenCalls())
        .automaticTransitionFromOpenToHalfOpenEnabled(false)
        .writableStackTraceEnabled(false)
        .clock(new TickerClock(ticker))
        .build();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public BreakerPreset preset() {
    return config.preset();
  }

  @Override
  public BreakerConfig config() {
    return config;
  }

  Ticker ticker() {
    return ticker;
  }

  CircuitBreaker engine() {
    return cb;
  }

  // ---------------------------------------------------------------- low-level hooks

  @Override
  public boolean tryAcquirePermission() {
    boolean permitted = cb.tryAcquirePermission();
    if (!permitted) {
      notPermittedCalls.increment();
      observe();
    } else if (observed != CircuitBreaker.State.CLOSED) {
      // Acquiring can move OPEN to HALF_OPEN; a permitted call on a closed breaker changes nothing.
      observe();
    }
    return permitted;
  }

  @Override
  public void onSuccess(long durationNanos) {
    long d = Math.max(0, durationNanos);
    cb.onSuccess(d, TimeUnit.NANOSECONDS);
    calls.record(CallCounters.SUCCESSFUL, d);
    observe();
  }

  @Override
  public void onError(long durationNanos, Throwable error) {
    Throwable t = unwrap(Checks.notNull(error, "error"));
    long d = Math.max(0, durationNanos);
    switch (classify(t)) {
      case IGNORED -> {
        cb.releasePermission();
        calls.record(CallCounters.IGNORED, d);
      }
      case FAILURE -> {
        cb.onError(d, TimeUnit.NANOSECONDS, t);
        calls.record(CallCounters.FAILED, d);
        applyCountRule();
      }
      case SUCCESS -> {
        cb.onSuccess(d, TimeUnit.NANOSECONDS);
        calls.record(CallCounters.SUCCESSFUL, d);
      }
    }
    observe();
  }

  @Override
  public void releasePermission() {
    cb.releasePermission();
    observe();
  }

  private void applyCountRule() {
    if (countRule.threshold() > 0
        && cb.getState() == CircuitBreaker.State.CLOSED
        && countRule.recordAndCheck(ticker.read())) {
      synchronized (lock) {
        if (cb.getState() == CircuitBreaker.State.CLOSED) {
          notifySafely(
              () ->
                  listener.onFailureCountTrip(
                      name, countRule.threshold(), countRule.windowNanos()));
          cb.transitionToOpenState();
        }
      }
    }
  }

  enum Kind {
    SUCCESS,
    FAILURE,
    IGNORED
  }

  Kind classify(Throwable t) {
    if (config.ignoreException().test(t)) {
      return Kind.IGNORED;
    }
    return config.recordException().test(t) ? Kind.FAILURE : Kind.SUCCESS;
  }

  static Throwable unwrap(Throwable error) {
    Throwable t = error;
    for (int i = 0; i < 8; i++) {
      Throwable cause = t.getCause();
      if ((t instanceof CompletionException || t instanceof ExecutionException) && cause != null) {
        t = cause;
      } else {
        break;
      }
    }
    return t;
  }

  // ---------------------------------------------------------------- state tracking

  private void observe() {
    CircuitBreaker.State now = cb.getState();
    if (now != observed) {
      transition(now);
    }
  }

  private void transition(CircuitBreaker.State now) {
    synchronized (lock) {
      CircuitBreaker.State prev = observed;
      if (prev == now) {
        return;
      }
      observed = now;
      long at = ticker.read();
      switch (now) {
        case OPEN -> {
          int attempt =
              prev == CircuitBreaker.State.HALF_OPEN || prev == CircuitBreaker.State.OPEN
                  ? openAttempts + 1
                  : 1;
          openAttempts = attempt;
          nextTrialAt = at + config.openWait(attempt).toNanos();
          countRule.clear();
        }
        case CLOSED -> {
          openAttempts = 0;
          countRule.clear();
        }
        default -> {}
      }
      BreakerState from = map(prev);
      BreakerState to = map(now);
      if (from != to) {
        notifySafely(() -> listener.onStateChange(name, from, to));
      }
    }
  }

  private void notifySafely(Runnable event) {
    try {
      event.run();
    } catch (RuntimeException e) {
      LOG.warn("Breaker listener failed on breaker '{}'", name, e);
    }
  }

  static BreakerState map(CircuitBreaker.State s) {
    return switch (s) {
      case CLOSED, METRICS_ONLY -> BreakerState.CLOSED;
      case OPEN -> BreakerState.OPEN;
      case HALF_OPEN -> BreakerState.HALF_OPEN;
      case DISABLED -> BreakerState.DISABLED;
      case FORCED_OPEN -> BreakerState.FORCED_OPEN;
    };
  }

  @Override
  public Duration retryAfter() {
    if (cb.getState() != CircuitBreaker.State.OPEN) {
      return Duration.ZERO;
    }
    long remaining = nextTrialAt - ticker.read();
    return remaining > 0 ? Duration.ofNanos(remaining) : Duration.ZERO;
  }

  BreakerOpenException openException() {
    return new BreakerOpenException(name, retryAfter());
  }

  @Override
  public BreakerState state() {
    observe();
    return map(cb.getState());
  }

  @Override
  public BreakerSnapshot snapshot() {
    observe();
    CircuitBreaker.Metrics m = cb.getMetrics();
    return new BreakerSnapshot(
        name,
        map(cb.getState()),
        m.getFailureRate(),
        m.getSlowCallRate(),
        m.getNumberOfBufferedCalls(),
        m.getNumberOfFailedCalls(),
        m.getNumberOfSlowCalls(),
        notPermittedCalls.sum());
  }

  @Override
  public void forceOpen() {
    cb.transitionToForcedOpenState();
    observe();
  }

  @Override
  public void disable() {
    cb.transitionToDisabledState();
    observe();
  }

  @Override
  public void reset() {
    cb.reset();
    if (!config.enabled()) {
      cb.transitionToDisabledState();
    }
    synchronized (lock) {
      openAttempts = 0;
      countRule.clear();
    }
    observe();
  }

  @Override
  public boolean isFailure(Throwable error) {
    return classify(unwrap(Checks.notNull(error, "error"))) == Kind.FAILURE;
  }

  /** Records a returned value: a failure when {@link BreakerConfig#recordResult} says so. */
  private void onResult(long durationNanos, @Nullable Object value) {
    if (config.recordsResults() && config.recordResult().test(value)) {
      long d = Math.max(0, durationNanos);
      cb.onError(d, TimeUnit.NANOSECONDS, new ResultRecordedAsFailure(name));
      calls.record(CallCounters.FAILED, d);
      applyCountRule();
      observe();
    } else {
      onSuccess(durationNanos);
    }
  }

  /** The failure recorded for a result that the configuration counts as one; never thrown. */
  static final class ResultRecordedAsFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ResultRecordedAsFailure(String name) {
      super("breaker '" + name + "': result recorded as a failure", null, false, false);
    }
  }

  // ---------------------------------------------------------------- call styles

  @Override
  public <T extends @Nullable Object, X extends Exception> T callChecked(
      CheckedSupplier<? extends T, X> supplier) throws X {
    Checks.notNull(supplier, "supplier");
    if (!tryAcquirePermission()) {
      throw openException();
    }
    long start = ticker.read();
    T value;
    try {
      value = supplier.get();
    } catch (Throwable t) {
      onError(ticker.read() - start, t);
      throw t;
    }
    onResult(ticker.read() - start, value);
    return value;
  }

  @Override
  public <C extends @Nullable Object, T extends @Nullable Object, R> R guard(
      C context,
      CheckedFunction<? super C, ? extends T> call,
      GuardedCall<? super C, ? super T, R> outcome) {
    if (!tryAcquirePermission()) {
      return outcome.notPermitted(context);
    }
    long start = ticker.read();
    T value;
    try {
      value = call.apply(context);
    } catch (Error e) {
      releasePermission();
      throw e;
    } catch (Exception e) {
      long took = ticker.read() - start;
      onError(took, e);
      return outcome.failed(context, e, took);
    }
    long took = ticker.read() - start;
    return succeeded(context, value, took, outcome);
  }

  private <C extends @Nullable Object, T extends @Nullable Object, R> R succeeded(
      C context, T value, long took, GuardedCall<? super C, ? super T, R> outcome) {
    R result;
    try {
      result = outcome.succeeded(context, value, took);
    } catch (RuntimeException e) {
      onError(took, e);
      return outcome.failed(context, e, took);
    }
    onResult(took, value);
    return result;
  }

  @Override
  public <C extends @Nullable Object, T extends @Nullable Object, R>
      CompletableFuture<R> guardAsync(
          C context,
          Function<? super C, ? extends CompletionStage<? extends T>> call,
          GuardedCall<? super C, ? super T, R> outcome) {
    if (!tryAcquirePermission()) {
      return CompletableFuture.completedFuture(outcome.notPermitted(context));
    }
    long start = ticker.read();
    CompletionStage<? extends T> stage;
    try {
      stage = call.apply(context);
    } catch (RuntimeException e) {
      long took = ticker.read() - start;
      onError(took, e);
      return CompletableFuture.completedFuture(outcome.failed(context, e, took));
    } catch (Error e) {
      releasePermission();
      throw e;
    }
    CompletableFuture<R> result = new CompletableFuture<>();
    stage.whenComplete(
        (value, error) -> {
          long took = ticker.read() - start;
          try {
            if (error == null) {
              result.complete(succeeded(context, value, took, outcome));
            } else {
              onError(took, error);
              result.complete(outcome.failed(context, unwrap(error), took));
            }
          } catch (Throwable t) {
            result.completeExceptionally(t);
          }
        });
    return result;
  }

  @Override
  public <T extends @Nullable Object> T call(Supplier<? extends T> supplier) {
    Checks.notNull(supplier, "supplier");
    if (!tryAcquirePermission()) {
      throw openException();
    }
    long start = ticker.read();
    T value;
    try {
      value = supplier.get();
    } catch (Throwable t) {
      onError(ticker.read() - start, t);
      throw sneaky(t);
    }
    onResult(ticker.read() - start, value);
    return value;
  }

  @Override
  public <T extends @Nullable Object> T call(
      Supplier<? extends T> supplier, Function<? super Throwable, ? extends T> fallback) {
    Checks.notNull(supplier, "supplier");
    Checks.notNull(fallback, "fallback");
    if (!tryAcquirePermission()) {
      return fallback(fallback, openException(), REASON_NOT_PERMITTED);
    }
    long start = ticker.read();
    T value;
    try {
      value = supplier.get();
    } catch (Throwable t) {
      onError(ticker.read() - start, t);
      return fallback(fallback, t, REASON_ERROR);
    }
    onResult(ticker.read() - start, value);
    return value;
  }

  @Override
  public void run(Runnable runnable) {
    Checks.notNull(runnable, "runnable");
    if (!tryAcquirePermission()) {
      throw openException();
    }
    long start = ticker.read();
    try {
      runnable.run();
    } catch (Throwable t) {
      onError(ticker.read() - start, t);
      throw sneaky(t);
    }
    onSuccess(ticker.read() - start);
  }

  @Override
  public void run(Runnable runnable, Consumer<? super Throwable> fallback) {
    Checks.notNull(runnable, "runnable");
    Checks.notNull(fallback, "fallback");
    if (!tryAcquirePermission()) {
      recover(fallback, openException(), REASON_NOT_PERMITTED);
      return;
    }
    long start = ticker.read();
    try {
      runnable.run();
    } catch (Throwable t) {
      onError(ticker.read() - start, t);
      recover(fallback, t, REASON_ERROR);
      return;
    }
    onSuccess(ticker.read() - start);
  }

  @Override
  public <T extends @Nullable Object> CompletionStage<T> callAsync(
      Supplier<? extends CompletionStage<T>> supplier) {
    Checks.notNull(supplier, "supplier");
    if (!tryAcquirePermission()) {
      return CompletableFuture.failedFuture(openException());
    }
    long start = ticker.read();
    CompletionStage<T> stage;
    try {
      stage = supplier.get();
      if (stage == null) {
        throw new NullPointerException("supplier returned a null stage");
      }
    } catch (Throwable t) {
      onError(ticker.read() - start, t);
      return CompletableFuture.failedFuture(t);
    }
    long timeoutNanos = config.callTimeout().toNanos();
    if (timeoutNanos == 0 || isDone(stage)) {
      return stage.whenComplete((value, error) -> record(start, value, error));
    }
    return withTimeout(stage, start, timeoutNanos);
  }

  /** Whether {@code stage} is known to be complete; minimal stages refuse to say. */
  private static boolean isDone(CompletionStage<?> stage) {
    try {
      return stage instanceof Future<?> f && f.isDone();
    } catch (UnsupportedOperationException e) { // CompletableFuture.minimalCompletionStage()
      return false;
    }
  }

  /** Cancels {@code stage} if it is a {@link Future} that allows it. */
  private static void cancel(CompletionStage<?> stage) {
    try {
      if (stage instanceof Future<?> f) {
        f.cancel(true);
      }
    } catch (UnsupportedOperationException e) { // a minimal stage: it keeps running
      // nothing to do: its late outcome is ignored
    }
  }

  private void record(long start, @Nullable Object value, @Nullable Throwable error) {
    long took = ticker.read() - start;
    if (error == null) {
      onResult(took, value);
    } else {
      onError(took, error);
    }
  }

  /**
   * Completes the result with the stage's outcome or, if the timeout fires first, with a {@link
   * BreakerTimeoutException}; whichever comes first is recorded, exactly once, before the result
   * completes. A timed-out stage is cancelled (if it is a {@link Future}) and its late outcome is
   * not recorded.
   */
  private <T extends @Nullable Object> CompletionStage<T> withTimeout(
      CompletionStage<T> stage, long start, long timeoutNanos) {
    CompletableFuture<T> result = new CompletableFuture<>();
    AtomicBoolean settled = new AtomicBoolean();
    TimeoutScheduler.Cancellable timer =
        timeouts.schedule(
            () -> {
              if (settled.compareAndSet(false, true)) {
                BreakerTimeoutException timeout =
                    new BreakerTimeoutException(name, config.callTimeout());
                onError(ticker.read() - start, timeout);
                result.completeExceptionally(timeout);
                cancel(stage);
              }
            },
            timeoutNanos);
    stage.whenComplete(
        (value, error) -> {
          timer.cancel();
          if (settled.compareAndSet(false, true)) {
            record(start, value, error);
            if (error == null) {
              result.complete(value);
            } else {
              result.completeExceptionally(error);
            }
          }
        });
    return result;
  }

  @Override
  public <T extends @Nullable Object> CompletionStage<T> callAsync(
      Supplier<? extends CompletionStage<T>> supplier,
      Function<? super Throwable, ? extends T> fallback) {
    Checks.notNull(fallback, "fallback");
    return callAsync(supplier)
        .exceptionally(
            error -> {
              Throwable t = unwrap(error);
              int reason;
              if (t instanceof BreakerOpenException bo && bo.name().equals(name)) {
                reason = REASON_NOT_PERMITTED;
              } else if (t instanceof BreakerTimeoutException bt && bt.name().equals(name)) {
                reason = REASON_TIMEOUT;
              } else {
                reason = REASON_ERROR;
              }
              return fallback(fallback, t, reason);
            });
  }

  /**
   * Runs a fallback for a rejection or a failure, rethrowing what must not be recovered: errors
   * such as OOM, and exceptions classified as success (the dependency answered).
   */
  private <T extends @Nullable Object> T fallback(
      Function<? super Throwable, ? extends T> fallback, Throwable t, int reason) {
    checkRecoverable(t, reason);
    T value;
    try {
      value = fallback.apply(t);
    } catch (RuntimeException | Error e) {
      fallbackCalls[reason * 2 + OUTCOME_FAILURE].increment();
      throw e;
    }
    fallbackCalls[reason * 2 + OUTCOME_SUCCESS].increment();
    return value;
  }

  private void recover(Consumer<? super Throwable> fallback, Throwable t, int reason) {
    checkRecoverable(t, reason);
    try {
      fallback.accept(t);
    } catch (RuntimeException | Error e) {
      fallbackCalls[reason * 2 + OUTCOME_FAILURE].increment();
      throw e;
    }
    fallbackCalls[reason * 2 + OUTCOME_SUCCESS].increment();
  }

  private void checkRecoverable(Throwable t, int reason) {
    if (t instanceof VirtualMachineError || t instanceof LinkageError) {
      throw sneaky(t);
    }
    if (reason == REASON_ERROR && classify(unwrap(t)) == Kind.SUCCESS) {
      throw sneaky(t);
    }
  }

  /** Rethrows {@code t} unchanged, even a checked exception smuggled out of a lambda. */
  static RuntimeException sneaky(Throwable t) {
    throw DefaultBreaker.<RuntimeException>sneaky0(t);
  }

  @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"}) // the sneaky-throw idiom
  private static <E extends Throwable> E sneaky0(Throwable t) throws E {
    throw (E) t;
  }

  @Override
  public String toString() {
    return "Breaker{" + name + ", " + map(cb.getState()) + ", " + config.preset() + "}";
  }
}
