package io.headroom.breaker;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Arms the call timeouts of {@link Breaker#callAsync}. Package-private so that tests can drive
 * timeouts from a {@code FakeTicker}; production code uses an executor-backed scheduler.
 */
interface TimeoutScheduler {

  /** A handle that disarms a scheduled timeout. */
  interface Cancellable {
    /** Disarms the timeout; harmless if it already fired. */
    void cancel();
  }

  /** Runs {@code task} once, {@code delayNanos} from now, unless cancelled first. */
  Cancellable schedule(Runnable task, long delayNanos);

  /** A scheduler over {@code executor} (which the caller owns and shuts down). */
  static TimeoutScheduler of(ScheduledExecutorService executor) {
    return (task, delayNanos) -> {
      ScheduledFuture<?> f = executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    };
  }

  /**
   * The scheduler shared by every breaker that was not given one: a single daemon thread, started
   * on the first asynchronous call with a timeout, that removes cancelled timeouts at once (so a
   * call that completes in time leaves nothing queued). Expired timeouts run on the common
   * fork-join pool, so a slow fallback never delays another breaker's timeout.
   */
  static TimeoutScheduler shared() {
    return SharedHolder.SCHEDULER;
  }

  /** Lazy holder: the thread is started only if a timeout is ever scheduled. */
  final class SharedHolder {
    private static final ScheduledExecutorService EXECUTOR = newExecutor();

    /**
     * The timer thread only hands expired timeouts to the common pool, so no fallback blocks it.
     */
    static final TimeoutScheduler SCHEDULER =
        (task, delayNanos) -> {
          ScheduledFuture<?> f =
              EXECUTOR.schedule(
                  () -> ForkJoinPool.commonPool().execute(task), delayNanos, TimeUnit.NANOSECONDS);
          return () -> f.cancel(false);
        };

    private SharedHolder() {}

    private static ScheduledExecutorService newExecutor() {
      ScheduledThreadPoolExecutor executor =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread t = new Thread(r, "headroom-breaker-timeouts");
                t.setDaemon(true);
                return t;
              });
      executor.setRemoveOnCancelPolicy(true);
      executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      return executor;
    }
  }
}
