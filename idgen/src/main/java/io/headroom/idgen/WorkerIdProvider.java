package io.headroom.idgen;

import io.headroom.core.Checks;
import io.headroom.core.Settings;

/**
 * Where an {@link IdGenerator} gets its worker ID. Two processes issuing IDs at the same time must
 * never hold the same worker ID, or they can issue the same ID.
 *
 * <pre>{@code
 * WorkerIdProvider.fixed(7)                      // you guarantee uniqueness (one per StatefulSet pod)
 * WorkerIdProvider.fromEnvironment()             // HEADROOM_IDGEN_WORKER_ID
 * // leased in Redis: io.headroom.idgen.redis.RedisWorkerIdProvider (needs headroom-redis)
 * }</pre>
 *
 * <p>There is deliberately no provider deriving the ID from a MAC or IP address: containers get
 * random or reused MACs and addresses from small private ranges, and 10 bits of either collide (see
 * the module README).
 *
 * <p>Implementations must be thread-safe.
 */
public interface WorkerIdProvider {

  /**
   * The setting that {@link #fromSettings(Settings)} reads. Its name of the previous release,
   * {@value #OLD_WORKER_ID_KEY}, is still read for one release, with a deprecation warning.
   */
  String WORKER_ID_KEY = "HEADROOM_IDGEN_WORKER_ID";

  /** The previous name of {@link #WORKER_ID_KEY}, read for one more release. */
  String OLD_WORKER_ID_KEY = "HEADROOM_WORKER_ID";

  /**
   * Obtains a worker ID in {@code [0, maxWorkerId]}, blocking for I/O if the provider needs it.
   *
   * @param maxWorkerId the largest ID the layout can hold
   * @throws NoWorkerIdAvailableException if no ID can be had (all leased, missing, out of range)
   */
  WorkerLease acquire(long maxWorkerId);

  /**
   * Always the same worker ID; the deployment guarantees that no two live processes share it.
   *
   * @throws IllegalArgumentException if {@code workerId} is negative
   */
  static WorkerIdProvider fixed(long workerId) {
    Checks.notNegative(workerId, "workerId");
    return new FixedWorkerIdProvider(workerId, "workerId");
  }

  /**
   * The worker ID in {@value #WORKER_ID_KEY} of {@code settings}, read when a generator is built.
   *
   * @throws NullPointerException if {@code settings} is null
   */
  static WorkerIdProvider fromSettings(Settings settings) {
    Checks.notNull(settings, "settings");
    return new SettingsWorkerIdProvider(
        settings.withRenamedKey(
            settings.fullKey(OLD_WORKER_ID_KEY), settings.fullKey(WORKER_ID_KEY)));
  }

  /** The worker ID in the environment variable {@value #WORKER_ID_KEY}. */
  static WorkerIdProvider fromEnvironment() {
    return fromSettings(Settings.fromEnvironment());
  }
}

/** A worker ID fixed by configuration. */
final class FixedWorkerIdProvider implements WorkerIdProvider {
  private final long workerId;
  private final String source;

  FixedWorkerIdProvider(long workerId, String source) {
    this.workerId = workerId;
    this.source = source;
  }

  @Override
  public WorkerLease acquire(long maxWorkerId) {
    if (workerId > maxWorkerId) {
      throw new NoWorkerIdAvailableException(
          source
              + " must be in [0, "
              + maxWorkerId
              + "] for this layout: "
              + workerId
              + " (add worker bits or pick a smaller ID)",
          null);
    }
    return new FixedWorkerLease(workerId);
  }

  @Override
  public String toString() {
    return "WorkerIdProvider.fixed(" + workerId + ")";
  }
}

/** A lease that never lapses, only closes. */
final class FixedWorkerLease implements WorkerLease {
  private final long workerId;
  private volatile boolean closed;

  FixedWorkerLease(long workerId) {
    this.workerId = workerId;
  }

  @Override
  public long workerId() {
    return workerId;
  }

  @Override
  public void ensureHeld() {
    if (closed) {
      throw new WorkerLeaseLostException("worker ID " + workerId + " was released (closed)", null);
    }
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return "FixedWorkerLease{" + workerId + (closed ? ", closed}" : "}");
  }
}

/** Reads {@link WorkerIdProvider#WORKER_ID_KEY} when asked. */
final class SettingsWorkerIdProvider implements WorkerIdProvider {
  private final Settings settings;

  SettingsWorkerIdProvider(Settings settings) {
    this.settings = settings;
  }

  @Override
  public WorkerLease acquire(long maxWorkerId) {
    String key = WorkerIdProvider.WORKER_ID_KEY;
    if (!settings.contains(key)) {
      throw new NoWorkerIdAvailableException(
          settings.fullKey(key)
              + " is not set: give every process a distinct worker ID in [0, "
              + maxWorkerId
              + "], or lease one from Redis (RedisWorkerIdProvider)",
          null);
    }
    long id = settings.getLong(key, -1);
    if (id < 0 || id > maxWorkerId) {
      throw new NoWorkerIdAvailableException(
          settings.fullKey(key) + " must be a worker ID in [0, " + maxWorkerId + "]: " + id, null);
    }
    return new FixedWorkerLease(id);
  }

  @Override
  public String toString() {
    return "WorkerIdProvider.fromSettings(" + settings + ")";
  }
}
