package io.headroom.health;

import io.headroom.core.Checks;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counts the requests in flight so that shutdown can wait for them to finish. The application or
 * its framework wraps every request:
 *
 * <pre>{@code
 * InFlightTracker inFlight = health.inFlight();
 * app.before(ctx -> ctx.attribute("inflight", inFlight.begin()));
 * app.after(ctx -> ((InFlightTracker.Request) ctx.attribute("inflight")).close());
 * // or, around a plain handler:
 * try (InFlightTracker.Request r = inFlight.begin()) {
 *   handle(request);
 * }
 * }</pre>
 *
 * <p>Requests are counted the same before and during draining: the application keeps serving until
 * its in-flight work is done. Thread-safe; {@link #begin()} costs one atomic increment and one
 * small allocation.
 */
public final class InFlightTracker {
  private final AtomicInteger active = new AtomicInteger();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition idle = lock.newCondition();
  private volatile boolean waiting;

  InFlightTracker() {}

  /** Marks the start of a request; close the returned handle when the request ends. */
  public Request begin() {
    active.incrementAndGet();
    return new Request(this);
  }

  /**
   * Runs {@code work} as one tracked request.
   *
   * @throws NullPointerException if {@code work} is null
   */
  public void run(Runnable work) {
    Checks.notNull(work, "work");
    Request r = begin();
    try {
      work.run();
    } finally {
      r.close();
    }
  }

  /**
   * Calls {@code work} as one tracked request.
   *
   * @throws NullPointerException if {@code work} is null
   * @throws Exception whatever {@code work} throws
   */
  public <T> T call(Callable<T> work) throws Exception {
    Checks.notNull(work, "work");
    Request r = begin();
    try {
      return work.call();
    } finally {
      r.close();
    }
  }

  /** The number of requests in flight now. */
  public int active() {
    return active.get();
  }

  /**
   * Waits until no request is in flight, or {@code timeout} passes.
   *
   * @return whether the tracker became idle in time
   * @throws InterruptedException if interrupted while waiting
   */
  boolean awaitIdle(Duration timeout) throws InterruptedException {
    waiting = true;
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      while (active.get() > 0) {
        if (nanos <= 0) {
          return false;
        }
        nanos = idle.awaitNanos(nanos);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void end() {
    if (active.decrementAndGet() == 0 && waiting) {
      lock.lock();
      try {
        idle.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  @Override
  public String toString() {
    return "InFlightTracker{active=" + active.get() + "}";
  }

  /** One request in flight; closing it more than once has no further effect. Thread-safe. */
  public static final class Request implements AutoCloseable {
    private final InFlightTracker tracker;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Request(InFlightTracker tracker) {
      this.tracker = tracker;
    }

    /** Marks the end of the request. */
    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        tracker.end();
      }
    }
  }
}
