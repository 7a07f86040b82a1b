package io.headroom.examples.shortener;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access counts buffered in memory and written to the shards in batches: a redirect costs one map
 * update, never a database write. A background thread flushes every interval; {@link #close()}
 * flushes what is left, so no count is lost at a clean stop. A batch that fails (its shard is down)
 * goes back into the buffer and is retried at the next flush.
 *
 * <p>Correctness under concurrency: each code's buffered count is an {@link AtomicLong} in a {@link
 * ConcurrentHashMap}. An increment is a lookup and a CAS, with no lock and no allocation once the
 * code has an entry (a {@code merge} would lock the map bin and box a new {@code Long} per
 * redirect, and the popular codes are hit by every thread). A flush first removes the entry from
 * the map, then seals the counter ({@code getAndSet(SEALED)}): an increment that won its CAS before
 * the seal is in the value the flush took; one that finds the counter sealed retries on a fresh
 * entry, which the next flush writes. None is lost or counted twice.
 */
final class AccessCounts implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AccessCounts.class);

  /** A counter removed by a flush: increments go to a fresh entry. */
  private static final long SEALED = Long.MIN_VALUE;

  private final ConcurrentHashMap<String, AtomicLong> pending = new ConcurrentHashMap<>();
  private final LinkStore store;
  private final ReentrantLock flushLock = new ReentrantLock();
  private final ScheduledExecutorService scheduler;
  private final ScheduledFuture<?> task;
  private final Counter flushed;
  private final Counter flushErrors;

  AccessCounts(LinkStore store, Duration interval, MeterRegistry meters) {
    this.store = store;
    this.flushed =
        Counter.builder("shortener.access.counts.flushed")
            .description("access counts written to the shards")
            .register(meters);
    this.flushErrors =
        Counter.builder("shortener.access.counts.flush.errors")
            .description("shard batches of access counts that failed and were kept for retry")
            .register(meters);
    Gauge.builder("shortener.access.counts.pending", pending, Map::size)
        .description("codes with access counts not yet written")
        .register(meters);
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "shortener-count-flush");
              t.setDaemon(true);
              return t;
            });
    long ms = interval.toMillis();
    this.task = scheduler.scheduleWithFixedDelay(this::flushQuietly, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** Counts one access. */
  void increment(String code) {
    add(code, 1);
  }

  private void add(String code, long n) {
    while (true) {
      AtomicLong c = pending.get(code);
      if (c == null) {
        c = pending.computeIfAbsent(code, k -> new AtomicLong());
      }
      long v = c.get();
      while (v != SEALED) {
        if (c.compareAndSet(v, v + n)) {
          return;
        }
        v = c.get();
      }
      // sealed by a flush that has already removed it from the map: retry on a fresh entry
    }
  }

  /** Accesses of {@code code} on this node not yet written. */
  long pending(String code) {
    AtomicLong c = pending.get(code);
    long v = c == null ? 0 : c.get();
    return v == SEALED ? 0 : v;
  }

  /**
   * The stored count plus this node's buffered accesses, read while no flush is between taking
   * counts from the buffer and committing them, so that nothing is missed or counted twice.
   */
  long total(String code, ToLongFunction<String> stored) {
    flushLock.lock();
    try {
      return stored.applyAsLong(code) + pending(code);
    } finally {
      flushLock.unlock();
    }
  }

  /** Writes every buffered count now; returns how many counts (accesses) were written. */
  long flush() {
    flushLock.lock();
    try {
      Map<String, Map<String, Long>> byShard = new HashMap<>();
      for (String code : new ArrayList<>(pending.keySet())) {
        AtomicLong c = pending.remove(code);
        if (c == null) {
          continue;
        }
        long n = c.getAndSet(SEALED);
        if (n > 0) {
          byShard.computeIfAbsent(store.shardOf(code), k -> new HashMap<>()).put(code, n);
        }
      }
      long written = 0;
      List<RuntimeException> failures = new ArrayList<>();
      for (Map.Entry<String, Map<String, Long>> e : byShard.entrySet()) {
        try {
          store.addCounts(e.getKey(), e.getValue());
          long sum = e.getValue().values().stream().mapToLong(Long::longValue).sum();
          written += sum;
        } catch (RuntimeException ex) {
          flushErrors.increment();
          e.getValue().forEach(this::add);
          failures.add(ex);
        }
      }
      flushed.increment((double) written);
      if (!failures.isEmpty()) {
        RuntimeException first = failures.get(0);
        for (int i = 1; i < failures.size(); i++) {
          first.addSuppressed(failures.get(i));
        }
        throw first;
      }
      return written;
    } finally {
      flushLock.unlock();
    }
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (RuntimeException e) {
      log.warn("access counts kept for the next flush: {}", e.toString());
    }
  }

  /** Stops the background flush and writes what is left. */
  @Override
  public void close() {
    task.cancel(false);
    scheduler.shutdown();
    try {
      if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
        log.warn("the background count flush did not stop within 10s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      long n = flush();
      log.info("flushed {} buffered access counts at shutdown", n);
    } catch (RuntimeException e) {
      long lost = pending.keySet().stream().mapToLong(this::pending).sum();
      log.error("could not flush {} access counts at shutdown: {}", lost, e.toString());
    }
  }
}
