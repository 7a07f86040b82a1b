package io.headroom.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * headroom's one door to Redis: a shared, multiplexed connection to a standalone server, the
 * primary Sentinel names, or a Redis Cluster, with the same commands on all three.
 *
 * <p>Fail-fast by design. Every command has a timeout ({@link RedisSettings#commandTimeout()}, 500
 * ms by default); while the connection is down commands are rejected at once with {@link
 * RedisUnavailableException} instead of being queued; the request queue is bounded; the client
 * reconnects by itself with a capped backoff. If Redis is down when the connector is created, it
 * still starts and keeps trying in the background.
 *
 * <pre>{@code
 * try (RedisConnector redis = RedisConnector.create(RedisSettings.from(Settings.fromEnvironment()))) {
 *   redis.set("greeting", "hi".getBytes(UTF_8), Duration.ofMinutes(5)).join();
 *   byte[] v = redis.await(redis.get("greeting"));
 * }
 * }</pre>
 *
 * <p>Keys are UTF-8 strings and values are bytes. All futures complete exceptionally with a {@link
 * RedisException} subclass; none ever waits longer than the command timeout. Thread-safe.
 */
public interface RedisConnector extends AutoCloseable {

  /**
   * Creates a connector and tries to connect once, bounded by the connect timeout; if Redis is not
   * there yet it keeps trying in the background.
   *
   * @throws NullPointerException if {@code settings} is null
   */
  static RedisConnector create(RedisSettings settings) {
    return new LettuceConnector(settings);
  }

  /** The settings this connector was built from. */
  RedisSettings settings();

  /** Standalone, Sentinel or Cluster. */
  RedisMode mode();

  /** Whether the command connection is up right now. */
  boolean isConnected();

  /** {@code GET key}: the value, or {@code null} when absent. */
  CompletableFuture<byte @Nullable []> get(String key);

  /**
   * {@code MGET}: values in the order of {@code keys}, {@code null} where absent. On Cluster the
   * keys are grouped by slot and the per-slot MGETs are pipelined.
   */
  CompletableFuture<List<byte @Nullable []>> mget(List<String> keys);

  /** {@code SET key value PX ttl}. */
  CompletableFuture<Void> set(String key, byte[] value, Duration ttl);

  /** {@code SET key value NX PX ttl}: true when the key was set (it did not exist). */
  CompletableFuture<Boolean> setIfAbsent(String key, byte[] value, Duration ttl);

  /** {@code DEL}: how many keys existed. On Cluster, keys of different slots are sent apart. */
  CompletableFuture<Long> del(List<String> keys);

  /** {@code INCR}: the value after the increment. */
  CompletableFuture<Long> incr(String key);

  /** {@code PTTL}: remaining milliseconds, -1 without expiry, -2 when absent. */
  CompletableFuture<Long> pttl(String key);

  /** {@code PUBLISH}: how many subscribers received it (on Cluster, on the node that got it). */
  CompletableFuture<Long> publish(String channel, byte[] message);

  /** {@code TIME}: the server's clock, to the microsecond. */
  CompletableFuture<Instant> time();

  /** {@code PING}: {@code "PONG"}. */
  CompletableFuture<String> ping();

  /**
   * {@code EVALSHA}: runs {@code script} by its {@linkplain RedisScript#sha1() SHA-1}. Call {@link
   * RedisScript#run} instead: it checks the keys' slot, encodes the arguments, calls this and falls
   * back to {@link #eval} on {@code NOSCRIPT}. A decorator (tracing, metrics) overrides this and
   * {@link #eval} by delegation, so scripts run through it like every other command.
   *
   * <p>When the server does not have the script, the future fails with a {@link
   * RedisCommandException} whose {@linkplain RedisCommandException#errorCode() error code} is
   * {@value RedisCommandException#NOSCRIPT}.
   *
   * <p>The default throws: a connector that runs scripts overrides both methods.
   *
   * @param keys the script's {@code KEYS}, all in one Cluster slot; read, never kept or changed
   * @param args the script's {@code ARGV}, encoded; read, never kept or changed
   * @throws UnsupportedOperationException if this connector cannot run scripts
   */
  default <T> CompletableFuture<T> evalsha(RedisScript<T> script, String[] keys, byte[][] args) {
    throw new UnsupportedOperationException(getClass().getName() + " does not run scripts");
  }

  /**
   * {@code EVAL}: sends {@code script}'s source, which also loads it for later {@link #evalsha}
   * calls. {@link RedisScript#run} calls it after {@code NOSCRIPT}, when nothing ran.
   *
   * <p>The default throws: a connector that runs scripts overrides both methods.
   *
   * @param keys the script's {@code KEYS}, all in one Cluster slot; read, never kept or changed
   * @param args the script's {@code ARGV}, encoded; read, never kept or changed
   * @throws UnsupportedOperationException if this connector cannot run scripts
   */
  default <T> CompletableFuture<T> eval(RedisScript<T> script, String[] keys, byte[][] args) {
    throw new UnsupportedOperationException(getClass().getName() + " does not run scripts");
  }

  /**
   * Subscribes {@code listener} to {@code channel} on a dedicated connection that reconnects and
   * resubscribes by itself and tells the listener when it did ({@link
   * RedisMessageListener#onResubscribed}). Never throws for an unreachable Redis: the subscription
   * becomes active when Redis is back.
   */
  RedisSubscription subscribe(String channel, RedisMessageListener listener);

  /**
   * Waits for {@code stage} and returns its value, unwrapping the {@link RedisException}. The wait
   * is bounded by twice the command timeout, as a guard; the command timeout itself fires first.
   *
   * @throws RedisException when the command failed
   */
  <T> T await(CompletionStage<T> stage);

  /**
   * Escape hatch to the Lettuce objects underneath: {@code RedisClient} or {@code
   * RedisClusterClient} ({@code io.lettuce.core.AbstractRedisClient}), or the shared {@code
   * io.lettuce.core.api.StatefulConnection}. Using them gives up headroom's guarantees.
   *
   * @throws IllegalArgumentException if no such object is available
   */
  <T> T unwrap(Class<T> type);

  /** Closes the connections and the client. Idempotent. */
  @Override
  void close();
}
