package io.headroom.idgen.redis;

import io.headroom.core.Checks;
import io.headroom.redis.RedisConnector;
import io.headroom.redis.RedisKeys;
import io.headroom.redis.RedisScript;
import io.headroom.redis.ScriptOutput;
import java.util.List;

/**
 * The {@link LeaseStore} in Redis: three Lua scripts run through {@link RedisScript} (EVALSHA with
 * the NOSCRIPT fall-back, so a restart or {@code SCRIPT FLUSH} costs one EVAL), every call bounded
 * by the connector's command timeout.
 *
 * <p>Keys: {@code {idgen:<namespace>}:worker:<id>} holds the holder of a worker ID, and {@code
 * {idgen:<namespace>}:since} when this Redis's lease data began. They share one hash tag, so every
 * key of a namespace sits in one Cluster slot and the claim script, which walks the ID space, never
 * crosses slots.
 *
 * <p>Failures surface as {@link io.headroom.redis.RedisException}s; {@link LeasedWorker} turns a
 * failed renewal into "not renewed", never into "renewed". Thread-safe (stateless besides the
 * connector).
 */
final class RedisLeaseStore implements LeaseStore {
  private static final RedisScript<List<Object>> CLAIM =
      RedisScript.fromResource(RedisLeaseStore.class, "claim.lua", ScriptOutput.MULTI);
  private static final RedisScript<Long> RENEW =
      RedisScript.fromResource(RedisLeaseStore.class, "renew.lua", ScriptOutput.INTEGER);
  private static final RedisScript<Long> RELEASE =
      RedisScript.fromResource(RedisLeaseStore.class, "release.lua", ScriptOutput.INTEGER);

  private final RedisConnector redis;
  private final String workerPrefix;
  private final String sinceKey;

  RedisLeaseStore(RedisConnector redis, String namespace) {
    this.redis = Checks.notNull(redis, "redis");
    String tag = RedisKeys.hashTag("idgen:" + Checks.notBlank(namespace, "namespace"));
    this.workerPrefix = tag + ":worker:";
    this.sinceKey = tag + ":since";
  }

  @Override
  public Claim claim(long maxWorkerId, long start, String holder, long ttlMillis) {
    List<Object> reply =
        redis.await(
            CLAIM.run(
                redis,
                List.of(sinceKey),
                List.of(workerPrefix, maxWorkerId, start, holder, ttlMillis)));
    Checks.state(
        reply.size() == 2 && reply.get(0) instanceof Long && reply.get(1) instanceof Long,
        "claim.lua answered %s, expected {id, wait}",
        reply);
    return new Claim((Long) reply.get(0), (Long) reply.get(1));
  }

  @Override
  public Renewal renew(long workerId, String holder, long ttlMillis) {
    long r = redis.await(RENEW.run(redis, List.of(key(workerId)), List.of(holder, ttlMillis)));
    if (r == 1) {
      return Renewal.RENEWED;
    }
    if (r == 2) {
      return Renewal.RECLAIMED;
    }
    Checks.state(r == 0, "renew.lua answered %s, expected 0, 1 or 2", r);
    return Renewal.TAKEN;
  }

  @Override
  public void release(long workerId, String holder, long cooldownMillis) {
    redis.await(RELEASE.run(redis, List.of(key(workerId)), List.of(holder, cooldownMillis)));
  }

  @Override
  public String describe(long workerId) {
    return key(workerId);
  }

  private String key(long workerId) {
    return workerPrefix + workerId;
  }

  @Override
  public String toString() {
    return "RedisLeaseStore{" + workerPrefix + "*, " + redis.settings().maskedUri() + "}";
  }
}
