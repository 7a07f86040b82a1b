package io.headroom.redis;

/**
 * Receives pub/sub messages of one {@link RedisConnector#subscribe subscription}. Every method has
 * a no-op default, so new events never break implementations. Called on a Lettuce I/O thread:
 * return quickly.
 */
public interface RedisMessageListener {
  /** A listener that ignores everything. */
  RedisMessageListener NOOP = new RedisMessageListener() {};

  /** A message arrived on {@code channel}. */
  default void onMessage(String channel, byte[] message) {}

  /**
   * The subscription is active again after it was lost (a disconnect, or Redis down when it was
   * first made). Messages published in between were missed: a cache clears its L1 here.
   */
  default void onResubscribed(String channel) {}

  /**
   * The subscription's connection dropped; messages may be missed until {@link #onResubscribed}.
   */
  default void onDisconnected(String channel) {}
}
