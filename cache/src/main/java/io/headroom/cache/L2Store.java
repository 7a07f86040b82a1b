package io.headroom.cache;

import io.headroom.breaker.Breaker;
import io.headroom.breaker.BreakerState;
import io.headroom.breaker.GuardedCall;
import io.headroom.core.Ticker;
import io.headroom.redis.RedisConnector;
import io.headroom.redis.RedisScript;
import io.headroom.redis.ScriptOutput;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * L2: the cache's keys in Redis, the generation number that is part of every key, the envelope and
 * codec of values, and every Redis call, made through the breaker. A call's future never fails: it
 * holds the reply, {@link #ABSENT} for no value, or {@link #FAILED}, so a failing Redis is a miss
 * to everything above.
 *
 * <p>Keys: {@code <namespace>:<name>:g<gen>:<key>} for values ({@link #redisKey}), {@code
 * <namespace>:<name>:lock:g<gen>:<key>} for load leases, {@code <namespace>:<name>:gen} for the
 * generation and the channel {@code <namespace>:<name>:events}.
 *
 * <p>Thread-safe.
 */
final class L2Store<K, V> {
  private static final Logger log = LoggerFactory.getLogger(L2Store.class);

  /** The reply of a call that failed, timed out or was not permitted. */
  static final Object FAILED = new Object();

  /** The reply of a call that succeeded with no value (an absent key). */
  static final Object ABSENT = new Object();

  static final CompletableFuture<@Nullable Object> FAILED_FUTURE =
      CompletableFuture.completedFuture(FAILED);

  static final RedisScript<Long> PUT =
      RedisScript.of(
          "cache-put",
          """
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
          redis.call('PUBLISH', ARGV[3], ARGV[4])
          return 1
          """,
          ScriptOutput.INTEGER);
  static final RedisScript<Long> DELETE =
      RedisScript.of(
          "cache-invalidate",
          """
          local n = redis.call('DEL', KEYS[1])
          redis.call('PUBLISH', ARGV[1], ARGV[2])
          return n
          """,
          ScriptOutput.INTEGER);
  static final RedisScript<Long> BUMP_GENERATION =
      RedisScript.of(
          "cache-invalidate-all",
          """
          local g = redis.call('INCR', KEYS[1])
          redis.call('PUBLISH', ARGV[1], ARGV[2] .. g)
          return g
          """,
          ScriptOutput.INTEGER);
  static final RedisScript<Long> UNLOCK =
      RedisScript.of(
          "cache-unlock",
          """
          if redis.call('GET', KEYS[1]) == ARGV[1] then
            return redis.call('DEL', KEYS[1])
          end
          return 0
          """,
          ScriptOutput.INTEGER);

  private final String name;
  private final RedisConnector connector;
  private final CacheCodec<V> codec;
  private final @Nullable KeyCodec<K> keyCodec;
  private final @Nullable Function<? super K, String> keyMapper;
  private final int compressAbove;
  private final Ttls ttls;
  private final Ticker ticker;
  private final Breaker breaker;
  private final GuardedCall<RedisConnector, @Nullable Object, Object> outcome;
  private final long timeoutNanos;
  private final String prefix;
  private final String generationKey;
  private final String channel;
  private final Object generationLock = new Object();
  private volatile long generation = -1;
  private long generationEpoch;

  L2Store(
      TieredCache.Builder<K, V> b,
      RedisConnector connector,
      Ttls ttls,
      Breaker breaker,
      CacheMeters meters) {
    this.name = b.name;
    this.connector = connector;
    this.codec = Objects.requireNonNull(b.codec);
    this.keyCodec = b.keyCodec;
    this.keyMapper = b.keyMapper;
    this.compressAbove = b.compressAbove;
    this.ttls = ttls;
    this.ticker = b.ticker;
    this.breaker = breaker;
    this.outcome = new Outcome(meters);
    this.timeoutNanos = connector.settings().commandTimeout().toNanos();
    this.prefix = b.namespace + ":" + b.name + ":";
    this.generationKey = prefix + "gen";
    this.channel = prefix + "events";
  }

  /** Counts what happened to each call in the cache's meters; one instance per cache. */
  private static final class Outcome
      implements GuardedCall<RedisConnector, @Nullable Object, Object> {
    private final CacheMeters meters;

    Outcome(CacheMeters meters) {
      this.meters = meters;
    }

    @Override
    public Object notPermitted(RedisConnector c) {
      meters.l2BreakerOpen.increment();
      return FAILED;
    }

    @Override
    public Object succeeded(RedisConnector c, @Nullable Object reply, long nanos) {
      return reply == null ? ABSENT : reply;
    }

    @Override
    public Object failed(RedisConnector c, Throwable error, long nanos) {
      meters.l2Failed(error);
      return FAILED;
    }
  }

  // ---------------------------------------------------------------- keys

  /** The channel invalidations are published on. */
  String channel() {
    return channel;
  }

  /** The key's Redis form: its {@link KeyCodec}, its key mapper, or {@code String.valueOf}. */
  String encodeKey(K key) {
    KeyCodec<K> kc = keyCodec;
    if (kc != null) {
      return kc.encode(key);
    }
    Function<? super K, String> km = keyMapper;
    return km != null ? km.apply(key) : String.valueOf(key);
  }

  /** The codec that recovers a key from its Redis form, or null when keys map one way. */
  @Nullable KeyCodec<K> keyCodec() {
    return keyCodec;
  }

  /** Whether keys map to themselves ({@code String.valueOf} of a String key). */
  boolean identityKeys() {
    return keyCodec == null && keyMapper == null;
  }

  /** The L2 key of {@code mapped} in generation {@code gen}: the only place it is built. */
  String redisKey(long gen, String mapped) {
    return key("", gen, mapped);
  }

  /** The key of the load lease of {@code mapped} in generation {@code gen}. */
  String lockKey(long gen, String mapped) {
    return key("lock:", gen, mapped);
  }

  private String key(String kind, long gen, String mapped) {
    return prefix + kind + "g" + gen + ":" + mapped;
  }

  // ---------------------------------------------------------------- generation

  /** The generation in use, reading it from Redis when unknown; -1 when Redis cannot tell. */
  long generation(long deadline) {
    long g = generation;
    if (g >= 0) {
      return g;
    }
    long epoch;
    synchronized (generationLock) {
      epoch = generationEpoch;
    }
    Object r = await(call(c -> c.get(generationKey)), deadline);
    if (r == FAILED) {
      return -1;
    }
    long value = 0;
    if (r instanceof byte[] bytes) {
      try {
        value = Long.parseLong(new String(bytes, StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        log.warn("cache {}: generation key {} is not a number; L2 bypassed", name, generationKey);
        return -1;
      }
    }
    synchronized (generationLock) {
      if (generationEpoch == epoch) {
        generation = value;
        return value;
      }
      return generation;
    }
  }

  /** Sets the generation ({@code -1}: unknown, read it again), winning over reads in flight. */
  void setGeneration(long g) {
    synchronized (generationLock) {
      generationEpoch++;
      generation = g;
    }
  }

  /** The generation as last known, without asking Redis (-1: unknown). */
  long currentGeneration() {
    return generation;
  }

  // ---------------------------------------------------------------- values

  /** The bytes to store for {@code v} ({@code null}: "not found"), or null if the codec failed. */
  byte @Nullable [] envelope(@Nullable V v, long deltaNanos) {
    if (v == null) {
      return Envelope.negative(deltaNanos);
    }
    try {
      return Envelope.value(codec.encode(v), deltaNanos, compressAbove);
    } catch (RuntimeException e) {
      log.warn("cache {}: value not stored in Redis, the codec failed: {}", name, e.toString());
      return null;
    }
  }

  /** The L1 entry for bytes read from L2, or null if they are not a readable entry. */
  @Nullable Entry<V> decode(byte[] bytes) {
    if (!Envelope.valid(bytes)) {
      log.debug("cache {}: ignoring an L2 entry in an unknown format", name);
      return null;
    }
    long delta = Envelope.deltaNanos(bytes);
    if (Envelope.isNegative(bytes)) {
      return new Entry<>(null, ticker.read() + ttls.l1Life(null), delta);
    }
    try {
      V v = codec.decode(Envelope.payload(bytes));
      return new Entry<>(v, ticker.read() + ttls.l1Life(v), delta);
    } catch (RuntimeException e) {
      log.debug("cache {}: undecodable L2 entry treated as a miss: {}", name, e.toString());
      return null;
    }
  }

  // ---------------------------------------------------------------- calls

  /** The deadline of an operation starting now: one command timeout. */
  long deadline() {
    return ticker.read() + timeoutNanos;
  }

  CompletableFuture<@Nullable Object> get(String redisKey) {
    return call(c -> c.get(redisKey));
  }

  CompletableFuture<@Nullable Object> mget(List<String> redisKeys) {
    return call(c -> c.mget(redisKeys));
  }

  /** Writes an entry; with {@code publish}, sends that message in the same script. */
  CompletableFuture<@Nullable Object> write(
      String redisKey, byte[] bytes, long ttlMillis, byte @Nullable [] publish) {
    if (publish == null) {
      return call(c -> c.set(redisKey, bytes, Duration.ofMillis(ttlMillis)));
    }
    return call(c -> PUT.run(c, List.of(redisKey), List.of(bytes, ttlMillis, channel, publish)));
  }

  /**
   * {@code put}: writes {@code value} under the current generation and publishes {@code message}.
   */
  CompletableFuture<@Nullable Object> put(String mapped, V value, long deadline, byte[] message) {
    long gen = generation(deadline);
    byte[] bytes = envelope(value, 0);
    if (gen < 0 || bytes == null) {
      return FAILED_FUTURE;
    }
    return write(redisKey(gen, mapped), bytes, ttls.l2Millis(value), message);
  }

  /** {@code invalidate}: deletes the entry and publishes {@code message}. */
  CompletableFuture<@Nullable Object> delete(String mapped, long deadline, byte[] message) {
    long gen = generation(deadline);
    if (gen < 0) {
      return FAILED_FUTURE;
    }
    String rk = redisKey(gen, mapped);
    return call(c -> DELETE.run(c, List.of(rk), List.of(channel, message)));
  }

  /** {@code invalidateAll}: the next generation, published with {@code head} before its number. */
  CompletableFuture<@Nullable Object> bumpGeneration(byte[] head) {
    return call(c -> BUMP_GENERATION.run(c, List.of(generationKey), List.of(channel, head)))
        .thenApply(
            g -> {
              if (g instanceof Long n) {
                setGeneration(n);
              }
              return g;
            });
  }

  /** {@code SET NX PX}: {@code TRUE} when the lease is ours. */
  CompletableFuture<@Nullable Object> tryLock(String lockKey, byte[] token, Duration lease) {
    return call(c -> c.setIfAbsent(lockKey, token, lease));
  }

  /** Releases our lease (compare-and-delete); not awaited: the lease expires anyway. */
  void unlock(String lockKey, byte[] token) {
    CompletableFuture<@Nullable Object> released =
        call(c -> UNLOCK.run(c, List.of(lockKey), List.of(token)));
    released.getNow(null); // completes on its own
  }

  /** Whether the breaker lets calls through (not open). */
  boolean breakerAllows() {
    BreakerState s = breaker.state();
    return s != BreakerState.OPEN && s != BreakerState.FORCED_OPEN;
  }

  Breaker breaker() {
    return breaker;
  }

  /** One Redis call through the breaker; the future never fails. */
  private CompletableFuture<@Nullable Object> call(
      Function<RedisConnector, CompletableFuture<?>> op) {
    return breaker.guardAsync(connector, op, outcome);
  }

  /** Waits for a call until {@code deadline}; never longer than the command timeout. */
  @Nullable Object await(CompletableFuture<?> f, long deadline) {
    if (f.isDone()) {
      return f.getNow(null);
    }
    long remaining = Math.min(deadline - ticker.read(), timeoutNanos);
    if (remaining <= 0) {
      return FAILED;
    }
    try {
      return f.get(remaining, TimeUnit.NANOSECONDS);
    } catch (ExecutionException | TimeoutException e) {
      return FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return FAILED;
    }
  }

  @Override
  public String toString() {
    return prefix + "*";
  }
}
