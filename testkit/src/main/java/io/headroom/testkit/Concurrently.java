package io.headroom.testkit;

import io.headroom.core.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.jspecify.annotations.Nullable;

/**
 * Runs a body on many platform threads that really start together, then waits for all of them: the
 * harness of a concurrency test, so the test itself holds only the body and an exact assertion.
 *
 * <pre>{@code
 * Set<Long> ids = ConcurrentHashMap.newKeySet();
 * Concurrently.run(8, thread -> {
 *   for (int i = 0; i < 10_000; i++) ids.add(generator.nextId());
 * });
 * assertThat(ids).hasSize(80_000);
 *
 * List<Decision> decisions = Concurrently.collect(16, 10, thread -> limiter.tryAcquire("k"));
 * assertThat(decisions).filteredOn(Decision::allowed).hasSize(100);
 * }</pre>
 *
 * <p>Each call starts {@code threads} new daemon threads named {@code concurrently-<run>-<index>}.
 * They all wait on one barrier, so no body starts before every thread is running; then each runs
 * the body with its index ({@code 0..threads-1}). The caller waits at most the timeout ({@link
 * #DEFAULT_TIMEOUT} unless given) for all of them. Then:
 *
 * <ul>
 *   <li>if every body returned, the call returns once every thread has terminated (with the
 *       results, for {@code collect});
 *   <li>if a body threw, the first failure is rethrown once all threads are done, with the other
 *       threads' failures added to it as suppressed exceptions. An unchecked exception or error is
 *       rethrown as it is; a checked exception is wrapped in an {@link AssertionError} naming the
 *       thread;
 *   <li>if threads are still running at the timeout, they are interrupted and an {@link
 *       AssertionError} says how many and which ones, with their stack traces and any failures so
 *       far as suppressed exceptions.
 * </ul>
 *
 * <p>It needs no test framework: failures are plain exceptions and {@code AssertionError}s, which
 * JUnit, TestNG and a bare {@code main} all report. Thread-safe: calls are independent.
 */
public final class Concurrently {
  /** How long {@link #run(int, ThrowingIntConsumer)} and friends wait when not told: 60 seconds. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private static final AtomicInteger RUNS = new AtomicInteger();

  private Concurrently() {}

  /**
   * The body of one thread, given its index; it may throw anything.
   *
   * <p>Implementations must be thread-safe: one instance runs on every thread at once.
   */
  @FunctionalInterface
  public interface ThrowingIntConsumer {
    /**
     * Runs on thread {@code threadIndex}.
     *
     * @param threadIndex {@code 0..threads-1}, unique per thread of one run
     * @throws Exception to fail the run
     */
    void accept(int threadIndex) throws Exception;
  }

  /**
   * One step of one thread that yields a result, given the thread's index; it may throw anything.
   *
   * <p>Implementations must be thread-safe: one instance runs on every thread at once.
   *
   * @param <T> the result type, which may be nullable
   */
  @FunctionalInterface
  public interface ThrowingIntFunction<T extends @Nullable Object> {
    /**
     * Runs one step on thread {@code threadIndex}.
     *
     * @param threadIndex {@code 0..threads-1}, unique per thread of one run
     * @return this step's result
     * @throws Exception to fail the run
     */
    T apply(int threadIndex) throws Exception;
  }

  /**
   * Runs {@code body} once on each of {@code threads} threads started together, and waits up to
   * {@link #DEFAULT_TIMEOUT} for all of them.
   *
   * @throws IllegalArgumentException if {@code threads} is not positive
   * @throws NullPointerException if {@code body} is null
   * @throws AssertionError if threads are still running at the timeout, or a body threw a checked
   *     exception
   */
  public static void run(int threads, ThrowingIntConsumer body) {
    run(threads, DEFAULT_TIMEOUT, body);
  }

  /**
   * Runs {@code body} once on each of {@code threads} threads started together, and waits up to
   * {@code timeout} for all of them.
   *
   * @throws IllegalArgumentException if {@code threads} or {@code timeout} is not positive
   * @throws NullPointerException if {@code timeout} or {@code body} is null
   * @throws AssertionError if threads are still running at the timeout, or a body threw a checked
   *     exception
   */
  public static void run(int threads, Duration timeout, ThrowingIntConsumer body) {
    Checks.positive(threads, "threads");
    Checks.positive(timeout, "timeout");
    Checks.notNull(body, "body");
    execute(threads, timeout, body);
  }

  /**
   * Calls {@code step} {@code perThread} times on each of {@code threads} threads started together,
   * and returns every result, waiting up to {@link #DEFAULT_TIMEOUT}.
   *
   * @return {@code threads * perThread} results, unmodifiable, grouped by thread index and in call
   *     order within a thread: thread 0's results first
   * @throws IllegalArgumentException if {@code threads} or {@code perThread} is not positive
   * @throws NullPointerException if {@code step} is null
   * @throws AssertionError if threads are still running at the timeout, or a step threw a checked
   *     exception
   */
  public static <T extends @Nullable Object> List<T> collect(
      int threads, int perThread, ThrowingIntFunction<T> step) {
    return collect(threads, perThread, DEFAULT_TIMEOUT, step);
  }

  /**
   * Calls {@code step} {@code perThread} times on each of {@code threads} threads started together,
   * and returns every result, waiting up to {@code timeout}.
   *
   * @return {@code threads * perThread} results, unmodifiable, grouped by thread index and in call
   *     order within a thread: thread 0's results first
   * @throws IllegalArgumentException if {@code threads}, {@code perThread} or {@code timeout} is
   *     not positive
   * @throws NullPointerException if {@code timeout} or {@code step} is null
   * @throws AssertionError if threads are still running at the timeout, or a step threw a checked
   *     exception
   */
  public static <T extends @Nullable Object> List<T> collect(
      int threads, int perThread, Duration timeout, ThrowingIntFunction<T> step) {
    Checks.positive(threads, "threads");
    Checks.positive(perThread, "perThread");
    Checks.positive(timeout, "timeout");
    Checks.notNull(step, "step");
    List<List<T>> perThreadResults = new ArrayList<>(threads);
    for (int i = 0; i < threads; i++) {
      perThreadResults.add(new ArrayList<>(perThread));
    }
    execute(
        threads,
        timeout,
        index -> {
          List<T> mine = perThreadResults.get(index);
          for (int n = 0; n < perThread; n++) {
            mine.add(step.apply(index));
          }
        });
    // Each thread's list was filled before its countDown, which happens-before the await returned.
    List<T> all = new ArrayList<>(threads * perThread);
    perThreadResults.forEach(all::addAll);
    return Collections.unmodifiableList(all);
  }

  private static void execute(int threads, Duration timeout, ThrowingIntConsumer body) {
    String name = "concurrently-" + RUNS.incrementAndGet() + "-";
    CyclicBarrier start = new CyclicBarrier(threads);
    CountDownLatch done = new CountDownLatch(threads);
    AtomicIntegerArray finished = new AtomicIntegerArray(threads);
    Queue<Failure> failures = new ConcurrentLinkedQueue<>();
    List<Thread> workers = new ArrayList<>(threads);
    try {
      for (int i = 0; i < threads; i++) {
        int index = i;
        Thread t =
            new Thread(
                () -> {
                  try {
                    start.await();
                    body.accept(index);
                  } catch (Throwable e) {
                    failures.add(new Failure(index, e));
                  } finally {
                    finished.set(index, 1);
                    done.countDown();
                  }
                },
                name + i);
        t.setDaemon(true);
        workers.add(t);
        t.start();
      }
    } catch (RuntimeException | Error e) {
      // Could not start them all (e.g. out of native threads): release the ones waiting.
      start.reset();
      workers.forEach(Thread::interrupt);
      throw e;
    }

    boolean allDone;
    try {
      allDone = done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
      if (allDone) {
        // Every body has returned; the threads only have to exit, so these joins are immediate.
        // Callers then see every thread terminated, as after a hand-written join loop.
        for (Thread t : workers) {
          t.join();
        }
      }
    } catch (InterruptedException e) {
      workers.forEach(Thread::interrupt);
      Thread.currentThread().interrupt();
      AssertionError interrupted =
          new AssertionError("interrupted while waiting for " + threads + " threads", e);
      failures.forEach(f -> interrupted.addSuppressed(f.error()));
      throw interrupted;
    }
    if (!allDone) {
      throw timedOut(threads, timeout, workers, finished, failures);
    }
    Failure first = failures.peek();
    if (first != null) {
      throw rethrow(first, threads, failures);
    }
  }

  private static AssertionError timedOut(
      int threads,
      Duration timeout,
      List<Thread> workers,
      AtomicIntegerArray finished,
      Queue<Failure> failures) {
    List<Integer> running = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      if (finished.get(i) == 0) {
        running.add(i);
      }
    }
    AssertionError error =
        new AssertionError(
            running.size()
                + " of "
                + threads
                + " threads still running after "
                + timeout
                + " (thread indexes "
                + running
                + "); they were interrupted");
    // Failures so far, before the interrupts below add their own.
    List<Failure> failed = new ArrayList<>(failures);
    for (int i : running) {
      Thread t = workers.get(i);
      Throwable where = new Throwable("thread " + i + " (" + t.getName() + ") was here");
      where.setStackTrace(t.getStackTrace());
      error.addSuppressed(where);
    }
    failed.forEach(f -> error.addSuppressed(f.error()));
    running.forEach(i -> workers.get(i).interrupt());
    return error;
  }

  private static RuntimeException rethrow(Failure first, int threads, Queue<Failure> failures) {
    Throwable thrown =
        first.error() instanceof RuntimeException || first.error() instanceof Error
            ? first.error()
            : new AssertionError(
                "thread " + first.index() + " of " + threads + " threw " + first.error(),
                first.error());
    for (Failure f : failures) {
      if (f.index() != first.index() && f.error() != first.error()) {
        thrown.addSuppressed(f.error());
      }
    }
    if (thrown instanceof Error error) {
      throw error;
    }
    throw (RuntimeException) thrown;
  }

  private record Failure(int index, Throwable error) {}
}
