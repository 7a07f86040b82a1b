package io.headroom.redis;

/** A live pub/sub subscription; closing it unsubscribes and closes its connection. */
public interface RedisSubscription extends AutoCloseable {
  /** The channel. */
  String channel();

  /** Whether the subscription is confirmed by the server right now. */
  boolean isActive();

  /** Unsubscribes and closes the dedicated connection. Idempotent. */
  @Override
  void close();
}
