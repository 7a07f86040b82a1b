package io.headroom.redis;

import io.headroom.core.Checks;
import io.headroom.core.internal.Redaction;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RedisConnector} on one Lettuce client and one shared, multiplexed connection.
 *
 * <p>Futures returned by {@code whenComplete} and by the scheduler are deliberately dropped: every
 * outcome is forwarded to the caller's future inside the callback.
 */
@SuppressWarnings("FutureReturnValueIgnored")
final class LettuceConnector implements RedisConnector {
  private static final Logger log = LoggerFactory.getLogger(LettuceConnector.class);
  static final RedisCodec<String, byte[]> CODEC =
      RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
  private static final long FIRST_RETRY_MILLIS = 100;

  private final RedisSettings settings;
  private final String where;
  private final ClientResources resources;
  private final AbstractRedisClient client;
  private final @Nullable RedisURI standaloneUri;
  private final AtomicBoolean connecting = new AtomicBoolean();
  private final AtomicLong retryMillis = new AtomicLong(FIRST_RETRY_MILLIS);
  private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
  private volatile @Nullable StatefulConnection<String, byte[]> connection;
  private volatile @Nullable RedisClusterAsyncCommands<String, byte[]> async;
  private volatile boolean closed;

  LettuceConnector(RedisSettings settings) {
    this.settings = Checks.notNull(settings, "settings");
    this.where = settings.maskedUri();
    this.resources =
        DefaultClientResources.builder()
            .reconnectDelay(
                Delay.exponential(
                    Duration.ofMillis(50), settings.reconnectDelayMax(), 2, TimeUnit.MILLISECONDS))
            .build();
    SocketOptions socket =
        SocketOptions.builder().connectTimeout(settings.connectTimeout()).keepAlive(true).build();
    TimeoutOptions timeouts = TimeoutOptions.enabled(settings.commandTimeout());
    List<RedisURI> uris = new ArrayList<>();
    for (String endpoint : settings.endpoints()) {
      RedisURI u = RedisURI.create(endpoint);
      // the handshake (HELLO, AUTH, SELECT, CLIENT SETNAME) is bounded like a connect, not a
      // command
      u.setTimeout(settings.connectTimeout().plus(settings.commandTimeout()));
      settings.clientName().ifPresent(u::setClientName);
      uris.add(u);
    }
    if (settings.mode() == RedisMode.CLUSTER) {
      RedisClusterClient c = RedisClusterClient.create(resources, uris);
      c.setOptions(
          ClusterClientOptions.builder()
              .topologyRefreshOptions(
                  ClusterTopologyRefreshOptions.builder()
                      .enablePeriodicRefresh(settings.topologyRefresh())
                      .enableAllAdaptiveRefreshTriggers()
                      .adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1))
                      .build())
              .autoReconnect(true)
              .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
              .requestQueueSize(settings.requestQueueSize())
              .socketOptions(socket)
              .timeoutOptions(timeouts)
              .build());
      this.client = c;
      this.standaloneUri = null;
    } else {
      RedisClient c = RedisClient.create(resources);
      c.setOptions(
          ClientOptions.builder()
              .autoReconnect(true)
              .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
              .requestQueueSize(settings.requestQueueSize())
              .socketOptions(socket)
              .timeoutOptions(timeouts)
              .build());
      this.client = c;
      this.standaloneUri = uris.get(0);
    }
    client.addListener(new StateListener());
    CompletableFuture<Boolean> first = connect();
    try {
      long bound =
          settings.connectTimeout().toMillis() * 2 + settings.commandTimeout().toMillis() * 2;
      first.get(bound, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // connect() already logged and scheduled a retry
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts one connection attempt unless one is running; completes with whether it succeeded. */
  private CompletableFuture<Boolean> connect() {
    if (closed || async != null || !connecting.compareAndSet(false, true)) {
      return CompletableFuture.completedFuture(async != null);
    }
    CompletableFuture<StatefulConnection<String, byte[]>> attempt;
    try {
      attempt = openCommandConnection();
    } catch (RuntimeException e) {
      attempt = CompletableFuture.failedFuture(e);
    }
    return attempt.handle(
        (conn, error) -> {
          if (error == null && conn != null) {
            if (closed) {
              conn.closeAsync();
              connecting.set(false);
              return false;
            }
            connection = conn;
            async = commandsOf(conn);
            retryMillis.set(FIRST_RETRY_MILLIS);
            connecting.set(false);
            log.info("headroom-redis connected to {} ({})", where, settings.mode());
            return true;
          }
          connecting.set(false);
          long delay = retryMillis.getAndUpdate(d -> Math.min(d * 2, maxRetryMillis()));
          log.warn(
              "headroom-redis could not connect to {}: {}; retrying in {} ms",
              where,
              describe(error),
              delay);
          scheduleConnect(delay);
          return false;
        });
  }

  private long maxRetryMillis() {
    return Math.max(FIRST_RETRY_MILLIS, settings.reconnectDelayMax().toMillis());
  }

  private void scheduleConnect(long delayMillis) {
    if (closed) {
      return;
    }
    try {
      resources.eventExecutorGroup().schedule(this::connect, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      log.debug("reconnect not scheduled (shutting down): {}", e.toString());
    }
  }

  @SuppressWarnings("unchecked")
  private CompletableFuture<StatefulConnection<String, byte[]>> openCommandConnection() {
    if (client instanceof RedisClusterClient c) {
      return c.refreshPartitionsAsync()
          .toCompletableFuture()
          .thenCompose(ignored -> c.connectAsync(CODEC))
          .thenApply(x -> (StatefulConnection<String, byte[]>) (StatefulConnection<?, ?>) x);
    }
    RedisURI uri = Checks.notNull(standaloneUri, "standaloneUri");
    return ((RedisClient) client)
        .connectAsync(CODEC, uri)
        .toCompletableFuture()
        .thenApply(x -> (StatefulConnection<String, byte[]>) (StatefulConnection<?, ?>) x);
  }

  @SuppressWarnings("unchecked")
  private static RedisClusterAsyncCommands<String, byte[]> commandsOf(
      StatefulConnection<String, byte[]> conn) {
    if (conn instanceof StatefulRedisClusterConnection<?, ?> c) {
      return (RedisClusterAsyncCommands<String, byte[]>) c.async();
    }
    return ((StatefulRedisConnection<String, byte[]>) conn).async();
  }

  // ---------------------------------------------------------------- commands

  private <T> CompletableFuture<T> call(
      String command,
      Function<RedisClusterAsyncCommands<String, byte[]>, CompletionStage<T>> body) {
    RedisClusterAsyncCommands<String, byte[]> a = async;
    if (a == null) {
      if (closed) {
        return CompletableFuture.failedFuture(
            new RedisUnavailableException(
                command + " rejected: the connector for " + where + " is closed", false, null));
      }
      connect();
      return CompletableFuture.failedFuture(
          new RedisUnavailableException(
              command + " rejected: not connected to " + where + " (reconnecting)", false, null));
    }
    CompletionStage<T> stage;
    try {
      stage = body.apply(a);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(translate(command, e));
    }
    CompletableFuture<T> out = new CompletableFuture<>();
    stage.whenComplete(
        (v, e) -> {
          if (e == null) {
            out.complete(v);
          } else {
            out.completeExceptionally(translate(command, e));
          }
        });
    return out;
  }

  RedisException translate(String command, Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof RedisException ours) {
      return ours;
    }
    String on = command + " on " + where;
    if (t instanceof RedisCommandTimeoutException) {
      return new RedisTimeoutException(
          on + " got no answer within " + settings.commandTimeout().toMillis() + " ms", t);
    }
    if (t instanceof RedisCommandExecutionException) {
      return new RedisCommandException(
          on + " failed: " + t.getMessage(), RedisCommandException.errorCodeOf(t.getMessage()), t);
    }
    if (t instanceof RedisConnectionException) {
      return new RedisUnavailableException(on + ": cannot connect", false, t);
    }
    String msg = String.valueOf(t.getMessage());
    if (t instanceof io.lettuce.core.RedisException) {
      if (msg.contains("Commands are rejected")
          || msg.contains("not connected")
          || msg.contains("Request queue size exceeded")
          || msg.contains("Connection is closed")) {
        return new RedisUnavailableException(on + " rejected: " + msg, false, t);
      }
      return new RedisUnavailableException(on + " lost its connection: " + msg, true, t);
    }
    if (t instanceof CancellationException || t instanceof IOException) {
      return new RedisUnavailableException(on + " lost its connection: " + t, true, t);
    }
    return new RedisException(on + " failed: " + t, true, t);
  }

  private static String describe(@Nullable Throwable e) {
    Throwable t = e;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t == null) {
      return "unknown error";
    }
    StringBuilder sb =
        new StringBuilder(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != t) {
      sb.append(" (cause: ")
          .append(root.getClass().getSimpleName())
          .append(": ")
          .append(root.getMessage())
          .append(')');
    }
    return Redaction.maskUri(sb.toString());
  }

  @Override
  public RedisSettings settings() {
    return settings;
  }

  @Override
  public RedisMode mode() {
    return settings.mode();
  }

  @Override
  public boolean isConnected() {
    StatefulConnection<String, byte[]> c = connection;
    return c != null && c.isOpen();
  }

  @Override
  public CompletableFuture<byte @Nullable []> get(String key) {
    Checks.notNull(key, "key");
    return call("GET", a -> a.get(key));
  }

  @Override
  public CompletableFuture<List<byte @Nullable []>> mget(List<String> keys) {
    Checks.notNull(keys, "keys");
    if (keys.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    String[] k = keys.toArray(new String[0]);
    return call(
        "MGET",
        a ->
            a.mget(k)
                .thenApply(
                    kvs -> {
                      List<byte @Nullable []> out = new ArrayList<>(kvs.size());
                      for (KeyValue<String, byte[]> kv : kvs) {
                        out.add(kv.hasValue() ? kv.getValue() : null);
                      }
                      return out;
                    }));
  }

  @Override
  public CompletableFuture<Void> set(String key, byte[] value, Duration ttl) {
    Checks.notNull(key, "key");
    Checks.notNull(value, "value");
    long ms = Checks.positive(ttl, "ttl").toMillis();
    return call("SET", a -> a.set(key, value, SetArgs.Builder.px(Math.max(1, ms))))
        .thenApply(ok -> null);
  }

  @Override
  public CompletableFuture<Boolean> setIfAbsent(String key, byte[] value, Duration ttl) {
    Checks.notNull(key, "key");
    Checks.notNull(value, "value");
    long ms = Checks.positive(ttl, "ttl").toMillis();
    return call("SET NX", a -> a.set(key, value, SetArgs.Builder.nx().px(Math.max(1, ms))))
        .thenApply("OK"::equals);
  }

  @Override
  public CompletableFuture<Long> del(List<String> keys) {
    Checks.notNull(keys, "keys");
    if (keys.isEmpty()) {
      return CompletableFuture.completedFuture(0L);
    }
    String[] k = keys.toArray(new String[0]);
    return call("DEL", a -> a.del(k));
  }

  @Override
  public CompletableFuture<Long> incr(String key) {
    Checks.notNull(key, "key");
    return call("INCR", a -> a.incr(key));
  }

  @Override
  public CompletableFuture<Long> pttl(String key) {
    Checks.notNull(key, "key");
    return call("PTTL", a -> a.pttl(key));
  }

  @Override
  public CompletableFuture<Long> publish(String channel, byte[] message) {
    Checks.notNull(channel, "channel");
    Checks.notNull(message, "message");
    return call("PUBLISH", a -> a.publish(channel, message));
  }

  @Override
  public CompletableFuture<Instant> time() {
    return call(
        "TIME",
        a ->
            a.time()
                .thenApply(
                    parts -> {
                      long seconds =
                          Long.parseLong(new String(parts.get(0), StandardCharsets.US_ASCII));
                      long micros =
                          Long.parseLong(new String(parts.get(1), StandardCharsets.US_ASCII));
                      return Instant.ofEpochSecond(seconds, micros * 1_000);
                    }));
  }

  @Override
  public CompletableFuture<String> ping() {
    return call("PING", RedisClusterAsyncCommands::ping);
  }

  @Override
  public <T> CompletableFuture<T> evalsha(RedisScript<T> script, String[] keys, byte[][] args) {
    Checks.notNull(script, "script");
    Checks.notNull(keys, "keys");
    Checks.notNull(args, "args");
    return call(
        script.evalshaCommand, a -> a.<T>evalsha(script.sha1(), script.output().type, keys, args));
  }

  @Override
  public <T> CompletableFuture<T> eval(RedisScript<T> script, String[] keys, byte[][] args) {
    Checks.notNull(script, "script");
    Checks.notNull(keys, "keys");
    Checks.notNull(args, "args");
    return call(
        script.evalCommand, a -> a.<T>eval(script.sourceBytes(), script.output().type, keys, args));
  }

  @Override
  public <T> T await(CompletionStage<T> stage) {
    Checks.notNull(stage, "stage");
    long bound = settings.commandTimeout().toMillis() * 2 + 1_000;
    try {
      return stage.toCompletableFuture().get(bound, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw translate("command", e);
    } catch (TimeoutException e) {
      throw new RedisTimeoutException(
          "no answer from " + where + " within " + bound + " ms (guard of await)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RedisUnavailableException("interrupted waiting for " + where, true, e);
    }
  }

  // ---------------------------------------------------------------- pub/sub

  @Override
  public RedisSubscription subscribe(String channel, RedisMessageListener listener) {
    Checks.notBlank(channel, "channel");
    Checks.notNull(listener, "listener");
    Checks.state(!closed, "connector for %s is closed", where);
    Subscription s = new Subscription(channel, listener);
    subscriptions.add(s);
    s.open();
    return s;
  }

  @SuppressWarnings("unchecked")
  private CompletableFuture<StatefulRedisPubSubConnection<String, byte[]>> openPubSub() {
    if (client instanceof RedisClusterClient c) {
      return c.refreshPartitionsAsync()
          .toCompletableFuture()
          .thenCompose(ignored -> c.connectPubSubAsync(CODEC))
          .thenApply(
              x -> (StatefulRedisPubSubConnection<String, byte[]>) (StatefulConnection<?, ?>) x);
    }
    RedisURI uri = Checks.notNull(standaloneUri, "standaloneUri");
    return ((RedisClient) client).connectPubSubAsync(CODEC, uri).toCompletableFuture();
  }

  private final class Subscription extends RedisPubSubAdapter<String, byte[]>
      implements RedisSubscription {
    private final String channel;
    private final RedisMessageListener listener;
    private final AtomicLong retry = new AtomicLong(FIRST_RETRY_MILLIS);
    private volatile @Nullable StatefulRedisPubSubConnection<String, byte[]> conn;
    private volatile boolean active;
    private volatile boolean missed;
    private volatile boolean stopped;

    Subscription(String channel, RedisMessageListener listener) {
      this.channel = channel;
      this.listener = listener;
    }

    void open() {
      if (stopped || closed) {
        return;
      }
      CompletableFuture<StatefulRedisPubSubConnection<String, byte[]>> f;
      try {
        f = openPubSub();
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      f.whenComplete(
          (c, e) -> {
            if (e != null || c == null) {
              missed = true;
              long delay = retry.getAndUpdate(d -> Math.min(d * 2, maxRetryMillis()));
              log.warn(
                  "headroom-redis could not subscribe to '{}' on {}: {}; retrying in {} ms",
                  channel,
                  where,
                  describe(e),
                  delay);
              try {
                resources.eventExecutorGroup().schedule(this::open, delay, TimeUnit.MILLISECONDS);
              } catch (RuntimeException re) {
                log.debug("subscription retry not scheduled: {}", re.toString());
              }
              return;
            }
            if (stopped || closed) {
              c.closeAsync();
              return;
            }
            conn = c;
            c.addListener(this);
            c.async().subscribe(channel);
          });
    }

    boolean owns(RedisChannelHandler<?, ?> handler) {
      return handler == conn;
    }

    void disconnected() {
      if (active) {
        active = false;
        missed = true;
        safely(() -> listener.onDisconnected(channel));
      }
    }

    @Override
    public void subscribed(String ch, long count) {
      if (!channel.equals(ch)) {
        return;
      }
      active = true;
      if (missed) {
        missed = false;
        safely(() -> listener.onResubscribed(channel));
      }
    }

    @Override
    public void message(String ch, byte[] message) {
      if (channel.equals(ch)) {
        safely(() -> listener.onMessage(ch, message));
      }
    }

    private void safely(Runnable r) {
      try {
        r.run();
      } catch (RuntimeException e) {
        log.warn("listener of channel '{}' threw {}", channel, e.toString());
      }
    }

    @Override
    public String channel() {
      return channel;
    }

    @Override
    public boolean isActive() {
      return active;
    }

    @Override
    public void close() {
      if (stopped) {
        return;
      }
      stopped = true;
      active = false;
      subscriptions.remove(this);
      StatefulRedisPubSubConnection<String, byte[]> c = conn;
      if (c != null) {
        c.removeListener(this);
        c.closeAsync();
      }
    }

    @Override
    public String toString() {
      return "RedisSubscription{" + channel + " on " + where + (active ? ", active" : "") + "}";
    }
  }

  private final class StateListener implements RedisConnectionStateListener {
    @Override
    public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
      for (Subscription s : subscriptions) {
        if (s.owns(handler)) {
          s.disconnected();
        }
      }
    }

    @Override
    public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
      // resubscription is confirmed through subscribed(); nothing to do here
    }
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public <T> T unwrap(Class<T> type) {
    Checks.notNull(type, "type");
    if (type.isInstance(client)) {
      return type.cast(client);
    }
    StatefulConnection<String, byte[]> c = connection;
    if (c != null && type.isInstance(c)) {
      return type.cast(c);
    }
    if (type.isInstance(resources)) {
      return type.cast(resources);
    }
    throw new IllegalArgumentException(
        "no " + type.getName() + " under this connector (connected: " + isConnected() + ")");
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Subscription s : List.copyOf(subscriptions)) {
      s.close();
    }
    StatefulConnection<String, byte[]> c = connection;
    async = null;
    connection = null;
    if (c != null) {
      c.close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  @Override
  public String toString() {
    return "RedisConnector{"
        + where
        + ", "
        + settings.mode()
        + (isConnected() ? ", connected" : "")
        + "}";
  }
}
