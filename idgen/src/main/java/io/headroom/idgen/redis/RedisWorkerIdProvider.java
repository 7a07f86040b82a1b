package io.headroom.idgen.redis;

import io.headroom.core.Checks;
import io.headroom.core.Ticker;
import io.headroom.idgen.NoWorkerIdAvailableException;
import io.headroom.idgen.WorkerIdProvider;
import io.headroom.idgen.WorkerLease;
import io.headroom.redis.RedisConnector;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Leases worker IDs in Redis so that processes that come and go (autoscaled pods) never share one
 * while both are alive.
 *
 * <ul>
 *   <li><b>Claim</b>: one script walks the ID space from a random offset and takes the first free
 *       ID with {@code SET key holder NX PX ttl}; the holder is a random ID per lease (the fencing
 *       value every later step compares).
 *   <li><b>Heartbeat</b>: every {@code heartbeatInterval} a script renews the key if it still holds
 *       this holder ({@code PEXPIRE}), re-takes it if it vanished and is free, and reports it lost
 *       if another holder has it.
 *   <li><b>Stop before the lease can lapse</b>: IDs are issued only until the time the last
 *       successful renewal was <em>sent</em> plus {@code ttl - safetyMargin}; after that {@link
 *       io.headroom.idgen.IdGenerator#nextId()} throws {@link
 *       io.headroom.idgen.WorkerLeaseLostException} until a renewal gets through again.
 *   <li><b>Release</b>: compare the holder, then leave a short placeholder ({@code
 *       releaseCooldown}) instead of deleting at once, so a new holder on a host whose clock lags
 *       cannot re-issue the last milliseconds of the old one.
 *   <li><b>Redis lost its data</b> (restart without persistence): the first claim afterwards sees
 *       the namespace's marker key gone and waits one TTL before using its ID, by which time every
 *       previous holder has either re-taken its own ID or stopped.
 * </ul>
 *
 * <pre>{@code
 * RedisConnector redis = RedisConnector.create(RedisSettings.from(env));
 * IdGenerator ids = IdGenerator.create(IdGeneratorConfig.builder().settings(env)
 *     .workerIdProvider(RedisWorkerIdProvider.create(redis, RedisWorkerIdConfig.from(env)))
 *     .build());   // leases a worker ID now; ids.close() releases it
 * }</pre>
 *
 * <p>Every Redis call is bounded by the connector's command timeout ({@link
 * io.headroom.redis.RedisSettings#commandTimeout()}); a renewal that fails or times out counts as
 * not renewed. Keys are {@code {idgen:<namespace>}:worker:<id>} and {@code
 * {idgen:<namespace>}:since}, all under one hash tag, so it works on Redis Cluster too.
 *
 * <p>Thread-safe. Each lease renews on its own daemon thread, stopped by {@code close()}. The
 * connector is not closed by the provider or its leases: close it after the generators.
 */
public final class RedisWorkerIdProvider implements WorkerIdProvider {
  private final LeaseStore store;
  private final RedisWorkerIdConfig config;
  private final LeaseMeters meters;

  /**
   * A provider leasing worker IDs of {@code config}'s namespace through {@code redis}.
   *
   * @throws NullPointerException if an argument is null
   */
  public static RedisWorkerIdProvider create(RedisConnector redis, RedisWorkerIdConfig config) {
    Checks.notNull(redis, "redis");
    Checks.notNull(config, "config");
    return new RedisWorkerIdProvider(new RedisLeaseStore(redis, config.namespace()), config);
  }

  RedisWorkerIdProvider(LeaseStore store, RedisWorkerIdConfig config) {
    this.store = Checks.notNull(store, "store");
    this.config = Checks.notNull(config, "config");
    this.meters = new LeaseMeters(config.meterRegistry().orElse(null), config.namespace());
  }

  @Override
  public WorkerLease acquire(long maxWorkerId) {
    Checks.notNegative(maxWorkerId, "maxWorkerId");
    String holder = UUID.randomUUID() + ":" + ProcessHandle.current().pid();
    long ttlMillis = config.ttl().toMillis();
    long start = ThreadLocalRandom.current().nextLong(maxWorkerId + 1);
    Ticker ticker = config.ticker();
    long sent = ticker.read();
    LeaseStore.Claim claim;
    try {
      claim = store.claim(maxWorkerId, start, holder, ttlMillis);
    } catch (RuntimeException e) {
      meters.error(e);
      throw new NoWorkerIdAvailableException(
          "could not lease a worker ID in namespace '"
              + config.namespace()
              + "' from Redis: "
              + e.getMessage(),
          e);
    }
    if (claim.workerId() < 0) {
      throw new NoWorkerIdAvailableException(
          "all "
              + (maxWorkerId + 1)
              + " worker IDs of namespace '"
              + config.namespace()
              + "' are leased by live processes ("
              + store.describe(0).replaceFirst("0$", "*")
              + "): stop some, use another namespace, or give the layout more worker bits",
          null);
    }
    meters.claimed.increment();
    LeasedWorker lease =
        new LeasedWorker(
            store,
            claim.workerId(),
            holder,
            ticker,
            ttlMillis,
            config.safetyMargin().toMillis(),
            config.releaseCooldown().toMillis(),
            meters,
            sent);
    try {
      waitOut(lease, claim.waitMillis());
    } catch (RuntimeException e) {
      lease.close();
      throw e;
    }
    if (config.heartbeat()) {
      lease.startHeartbeat(config.heartbeatInterval().toMillis());
    }
    return lease;
  }

  /** Waits before first use after a data loss, renewing meanwhile. */
  private void waitOut(LeasedWorker lease, long waitMillis) {
    if (waitMillis <= 0) {
      return;
    }
    Ticker ticker = config.ticker();
    long until = ticker.read() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
    long step = config.heartbeatInterval().toNanos();
    long left;
    while ((left = until - ticker.read()) > 0) {
      try {
        config.sleeper().sleep(Math.min(left, step));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new NoWorkerIdAvailableException(
            "interrupted while waiting to use worker ID " + lease.workerId(), e);
      }
      lease.renew();
    }
    lease.renew();
    if (!lease.isHeld()) {
      throw new NoWorkerIdAvailableException(
          "worker ID "
              + lease.workerId()
              + " was lost while waiting "
              + waitMillis
              + " ms after Redis lost its leases",
          null);
    }
  }

  /** The configuration. */
  public RedisWorkerIdConfig config() {
    return config;
  }

  @Override
  public String toString() {
    return "RedisWorkerIdProvider{" + config + "}";
  }
}
