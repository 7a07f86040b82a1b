package io.headroom.breaker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Cumulative call counts and durations by kind, written on the hot path without atomic
 * read-modify-write instructions: each thread owns a small array that only it writes (opaque
 * stores, plain moves on x86), and readers sum the arrays. A {@code LongAdder} would cost two
 * locked instructions per call; this costs a thread-local lookup.
 *
 * <p>Arrays of terminated threads are folded into a shared total when a reader or a new thread
 * comes by, so memory stays bounded by the number of live threads that used the breaker.
 */
final class CallCounters {
  static final int SUCCESSFUL = 0;
  static final int FAILED = 1;
  static final int IGNORED = 2;
  private static final int KINDS = 3;
  // 2 longs per kind; padded to 16 longs (128 bytes) so that two threads' arrays never share a
  // cache line.
  private static final int SLOTS = 16;
  private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

  private static final class Cell {
    final WeakReference<Thread> owner;
    final long[] values = new long[SLOTS];

    Cell(Thread owner) {
      this.owner = new WeakReference<>(owner);
    }

    boolean retired() {
      Thread t = owner.get();
      return t == null || !t.isAlive();
    }
  }

  private final ConcurrentLinkedQueue<Cell> cells = new ConcurrentLinkedQueue<>();
  private final long[] retired = new long[KINDS * 2]; // guarded by this
  private final ThreadLocal<Cell> local = ThreadLocal.withInitial(this::newCell);

  private Cell newCell() {
    Cell c = new Cell(Thread.currentThread());
    cells.add(c);
    if ((cells.size() & 63) == 0) {
      fold();
    }
    return c;
  }

  /** Records one call of {@code kind} that took {@code nanos}; called by the owning thread only. */
  void record(int kind, long nanos) {
    long[] v = local.get().values;
    int i = kind * 2;
    LONGS.setOpaque(v, i, v[i] + 1);
    LONGS.setOpaque(v, i + 1, v[i + 1] + nanos);
  }

  /** The number of calls of {@code kind} so far. */
  long count(int kind) {
    return sum(kind * 2);
  }

  /** The total duration in nanoseconds of the calls of {@code kind} so far. */
  long nanos(int kind) {
    return sum(kind * 2 + 1);
  }

  private synchronized long sum(int slot) {
    fold();
    long total = retired[slot];
    for (Cell c : cells) {
      total += (long) LONGS.getOpaque(c.values, slot);
    }
    return total;
  }

  /**
   * Moves the arrays of terminated threads into {@link #retired}. A thread's termination
   * happens-before {@code isAlive()} returning false, so its last writes are visible here.
   */
  private synchronized void fold() {
    for (Iterator<Cell> it = cells.iterator(); it.hasNext(); ) {
      Cell c = it.next();
      if (c.retired()) {
        for (int s = 0; s < retired.length; s++) {
          retired[s] += (long) LONGS.getOpaque(c.values, s);
        }
        it.remove();
      }
    }
  }
}
