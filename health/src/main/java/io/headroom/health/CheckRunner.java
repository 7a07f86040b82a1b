package io.headroom.health;

import io.headroom.core.MeterConventions;
import io.headroom.core.Ticker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Runs one check with its timeout, applies hysteresis and publishes the snapshot probes read.
 *
 * <p>At most one run of a check is in flight: while a hung run still holds its worker thread, the
 * next scheduled run does not start another one but records the timeout again, so a slow dependency
 * can never pile up threads. Thread-safe.
 */
final class CheckRunner {
  private static final int QUEUED = 0;
  private static final int STARTED = 1;
  private static final int ABANDONED = 2;

  private final CheckConfig config;
  private final Ticker ticker;
  private final InstantSource clock;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService workers;
  private final long timeoutNanos;
  private final long staleAfterNanos;
  private final String timeoutMessage;
  private final AtomicBoolean running = new AtomicBoolean();
  private final @Nullable Timer durationTimer;

  // guarded by this
  private int failures;
  private int successes;

  /** The last published run, or null before the first; written under the lock. */
  private volatile @Nullable Snapshot snapshot;

  /** What the last run left behind, with the ticker reading used for staleness. */
  private record Snapshot(CheckState state, long atNanos) {}

  CheckRunner(
      CheckConfig config,
      Ticker ticker,
      InstantSource clock,
      ScheduledExecutorService scheduler,
      ExecutorService workers,
      @Nullable MeterRegistry meters) {
    this.config = config;
    this.ticker = ticker;
    this.clock = clock;
    this.scheduler = scheduler;
    this.workers = workers;
    this.timeoutNanos = config.timeout().toNanos();
    this.staleAfterNanos = config.staleAfter().toNanos();
    this.timeoutMessage = "timed out after " + config.timeout().toMillis() + " ms";
    if (meters == null) {
      this.durationTimer = null;
    } else {
      this.durationTimer =
          Timer.builder("health.check.duration")
              .description(
                  "How long each run of a health check took (timeouts count as the timeout)")
              .tag(MeterConventions.NAME, config.name())
              .register(meters);
      Gauge.builder(
              "health.check.status", this, r -> r.state(r.ticker.read()).status().gaugeValue())
          .description("Debounced status of a health check: 1 up, 0.5 degraded, 0 otherwise")
          .tag(MeterConventions.NAME, config.name())
          .register(meters);
    }
  }

  CheckConfig config() {
    return config;
  }

  /** The state a probe reports at ticker reading {@code nowNanos}, with staleness applied. */
  CheckState state(long nowNanos) {
    Snapshot s = snapshot;
    if (s == null) {
      return new CheckState(
          config.name(),
          Status.UNKNOWN,
          config.critical(),
          Map.of(),
          "not checked yet",
          Duration.ZERO,
          null,
          0);
    }
    long age = nowNanos - s.atNanos();
    if (age > staleAfterNanos) {
      CheckState st = s.state();
      return new CheckState(
          st.name(),
          Status.UNKNOWN,
          st.critical(),
          st.details(),
          "stale: last result is "
              + TimeUnit.NANOSECONDS.toMillis(age)
              + " ms old (allowed "
              + config.staleAfter().toMillis()
              + " ms)",
          st.duration(),
          st.lastChecked(),
          st.streak());
    }
    return s.state();
  }

  /**
   * Starts one run; the future completes once its result (or its timeout) is recorded. Never blocks
   * the caller.
   */
  CompletableFuture<Void> runOnce() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!running.compareAndSet(false, true)) {
      // The previous run is still hung past its timeout: report that again, start nothing.
      record(CheckResult.down(timeoutMessage + " (previous run still running)"), timeoutNanos);
      done.complete(null);
      return done;
    }
    Run run = new Run(ticker.read(), done);
    try {
      run.task = workers.submit(run::execute);
      run.timeout = scheduler.schedule(run::timeOut, timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      if (run.state.compareAndSet(QUEUED, ABANDONED)) {
        running.set(false);
      }
      run.settle(CheckResult.down("health registry is closed"), 0, false);
      return done;
    }
    if (run.settled.get()) {
      run.cancelTimeout();
    }
    return done;
  }

  /** Applies hysteresis to one result and publishes the new snapshot. */
  synchronized void record(CheckResult result, long durationNanos) {
    boolean failing = !result.status().isHealthy();
    if (failing) {
      failures++;
      successes = 0;
    } else {
      successes++;
      failures = 0;
    }
    Snapshot previous = snapshot;
    Status status;
    if (previous == null) {
      status = result.status(); // the first result is taken as it is
    } else {
      Status before = previous.state().status();
      boolean wasFailing = !before.isHealthy();
      if (failing) {
        status = wasFailing || failures >= config.failureThreshold() ? result.status() : before;
      } else {
        status = !wasFailing || successes >= config.successThreshold() ? result.status() : before;
      }
    }
    Timer timer = durationTimer;
    if (timer != null) {
      timer.record(durationNanos, TimeUnit.NANOSECONDS);
    }
    Instant now = clock.instant();
    CheckState state =
        new CheckState(
            config.name(),
            status,
            config.critical(),
            result.details(),
            result.error(),
            Duration.ofNanos(durationNanos),
            now,
            failing ? failures : successes);
    snapshot = new Snapshot(state, ticker.read());
  }

  /** One run: whichever of completion and timeout comes first records the result. */
  private final class Run {
    final long startNanos;
    final CompletableFuture<Void> done;
    final AtomicBoolean settled = new AtomicBoolean();
    final AtomicInteger state = new AtomicInteger(QUEUED);
    volatile @Nullable Future<?> task;
    volatile @Nullable ScheduledFuture<?> timeout;

    Run(long startNanos, CompletableFuture<Void> done) {
      this.startNanos = startNanos;
      this.done = done;
    }

    void execute() {
      if (!state.compareAndSet(QUEUED, STARTED)) {
        return; // timed out before a worker picked it up; timeOut() released the slot
      }
      boolean settledHere = false;
      try {
        CheckResult result;
        try {
          CheckResult r = config.check().check();
          result = r != null ? r : CheckResult.down("check returned null");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          result = CheckResult.down("interrupted");
        } catch (Exception e) {
          result = CheckResult.down(describe(e));
        } catch (Error e) {
          settledHere = settle(CheckResult.down(describe(e)), ticker.read() - startNanos, true);
          throw e;
        }
        settledHere = settle(result, ticker.read() - startNanos, true);
      } finally {
        if (!settledHere) {
          running.set(false); // this run timed out earlier; its slot frees only now
        }
      }
    }

    void timeOut() {
      if (settle(CheckResult.down(timeoutMessage), timeoutNanos, false)) {
        if (state.compareAndSet(QUEUED, ABANDONED)) {
          running.set(false);
        } else {
          Future<?> t = task;
          if (t != null) {
            t.cancel(true); // interrupt the hung check; the slot frees when it returns
          }
        }
      }
    }

    /**
     * Records {@code result} unless the run already settled; {@code releaseSlot} frees the
     * one-run-in-flight slot before the run's future completes, so the next run may start.
     */
    boolean settle(CheckResult result, long durationNanos, boolean releaseSlot) {
      if (!settled.compareAndSet(false, true)) {
        return false;
      }
      try {
        record(result, durationNanos);
      } finally {
        cancelTimeout();
        if (releaseSlot) {
          running.set(false);
        }
        done.complete(null);
      }
      return true;
    }

    void cancelTimeout() {
      ScheduledFuture<?> t = timeout;
      if (t != null) {
        t.cancel(false);
      }
    }
  }

  static String describe(Throwable e) {
    String message = e.getMessage();
    String type = e.getClass().getSimpleName();
    return message == null || message.isBlank() ? type : type + ": " + message;
  }
}
