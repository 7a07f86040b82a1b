package io.headroom.health;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** Small checks for tests. */
final class TestChecks {
  private TestChecks() {}

  /** A check that answers queued results in order, repeating the last one. */
  static final class Scripted implements HealthCheck {
    private final Deque<CheckResult> results = new ArrayDeque<>();
    private CheckResult last = CheckResult.up();
    final AtomicInteger calls = new AtomicInteger();

    synchronized Scripted then(CheckResult r) {
      results.add(r);
      return this;
    }

    @Override
    public synchronized CheckResult check() {
      calls.incrementAndGet();
      CheckResult next = results.poll();
      if (next != null) {
        last = next;
      }
      return last;
    }
  }

  /** A check that blocks until released, ignoring interrupts, like a stuck socket read. */
  static final class Hanging implements HealthCheck {
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch entered = new CountDownLatch(1);
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger interrupts = new AtomicInteger();

    @Override
    public CheckResult check() {
      calls.incrementAndGet();
      entered.countDown();
      while (true) {
        try {
          release.await();
          return CheckResult.up();
        } catch (InterruptedException e) {
          interrupts.incrementAndGet();
        }
      }
    }
  }
}
