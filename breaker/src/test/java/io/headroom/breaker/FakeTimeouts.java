package io.headroom.breaker;

import io.headroom.testkit.FakeTicker;
import java.util.ArrayList;
import java.util.List;

/** Timeouts that fire only when a test calls {@link #fireDue()}, judged by a {@link FakeTicker}. */
final class FakeTimeouts implements TimeoutScheduler {
  private final FakeTicker time;
  private final List<Entry> entries = new ArrayList<>();

  private static final class Entry implements Cancellable {
    final long dueAt;
    final Runnable task;
    volatile boolean cancelled;

    Entry(long dueAt, Runnable task) {
      this.dueAt = dueAt;
      this.task = task;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  FakeTimeouts(FakeTicker time) {
    this.time = time;
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, long delayNanos) {
    Entry e = new Entry(time.read() + delayNanos, task);
    entries.add(e);
    return e;
  }

  /** Runs every armed timeout that is due; returns how many ran. */
  int fireDue() {
    List<Entry> due = new ArrayList<>();
    synchronized (this) {
      long now = time.read();
      entries.removeIf(
          e -> {
            if (e.cancelled) {
              return true;
            }
            if (e.dueAt <= now) {
              due.add(e);
              return true;
            }
            return false;
          });
    }
    for (Entry e : due) {
      e.task.run();
    }
    return due.size();
  }

  /** Timeouts scheduled and neither fired nor cancelled. */
  synchronized int armed() {
    int n = 0;
    for (Entry e : entries) {
      if (!e.cancelled) {
        n++;
      }
    }
    return n;
  }
}
