package io.headroom.cache;

import com.github.benmanes.caffeine.cache.Cache;
import io.headroom.redis.RedisConnector;
import io.headroom.redis.RedisMessageListener;
import io.headroom.redis.RedisSubscription;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps L1 consistent: the invalidation messages between nodes, and the stripes that close the
 * miss-then-fill race.
 *
 * <h2>Messages</h2>
 *
 * {@code <node-id> <type> <payload>}: type {@code k} drops one key (its Redis form) from L1, type
 * {@code g} sets the generation and clears L1. A node ignores its own messages. When the
 * subscription drops or resubscribes, messages may have been missed: L1 is cleared and the
 * generation read again ({@link #resync}).
 *
 * <h2>Fill race</h2>
 *
 * A global sequence numbers every invalidation; a striped array remembers, per hash of the key, the
 * sequence of its last invalidation, and {@code clearedAt} the last full clear. A fill reads the
 * sequence before it looks at L2 and stores its result in L1 only if no invalidation of its stripe
 * (or clear) happened since ({@link #raced}); it checks again after storing and removes its own
 * entry if one slipped in between. Invalidations bump the stripe before they touch L1.
 *
 * <p>Thread-safe.
 */
final class InvalidationBus<K, V> implements RedisMessageListener {
  private static final Logger log = LoggerFactory.getLogger(InvalidationBus.class);
  static final int STRIPES = 1024;

  private final String name;
  private final @Nullable Cache<K, Entry<V>> l1;
  private final @Nullable L2Store<K, V> store;
  private final CacheMeters meters;
  private final String nodeId;
  private final byte[] nodeBytes;
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);
  private volatile long clearedAt;
  private volatile boolean nonStringKeys;
  private volatile @Nullable RedisSubscription subscription;

  InvalidationBus(
      String name, @Nullable Cache<K, Entry<V>> l1, @Nullable L2Store<K, V> store, CacheMeters m) {
    this.name = name;
    this.l1 = l1;
    this.store = store;
    this.meters = m;
    this.nodeId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    this.nodeBytes = nodeId.getBytes(StandardCharsets.US_ASCII);
  }

  /** This node's id, unique per cache instance. */
  String nodeId() {
    return nodeId;
  }

  // ---------------------------------------------------------------- fill race

  /** The sequence a fill reads before it looks at L2 or the loader. */
  long sequence() {
    return sequence.get();
  }

  static int stripe(Object key, @Nullable String mapped) {
    int h = mapped != null ? mapped.hashCode() : key.hashCode();
    h ^= h >>> 16;
    return h & (STRIPES - 1);
  }

  /** Marks an invalidation of {@code stripe}: fills that started before it are not kept. */
  void bump(int stripe) {
    long s = sequence.incrementAndGet();
    stripes.accumulateAndGet(stripe, s, Math::max);
  }

  /** Whether an invalidation of {@code stripe}, or a clear, happened after {@code startSeq}. */
  boolean raced(int stripe, long startSeq) {
    return stripes.get(stripe) > startSeq || clearedAt > startSeq;
  }

  /** Clears L1; fills in flight are not kept. */
  void clearL1() {
    clearedAt = sequence.incrementAndGet();
    Cache<K, Entry<V>> c = l1;
    if (c != null) {
      c.invalidateAll();
    }
  }

  /** Notes a key about to enter L1: a message about a non-String key then needs a scan. */
  void noteKey(K key) {
    if (!(key instanceof String)) {
      nonStringKeys = true;
    }
  }

  // ---------------------------------------------------------------- messages

  /** {@code <node-id> <type> }, to which a payload is appended (or, in Lua, the generation). */
  byte[] head(char type) {
    byte[] out = new byte[nodeBytes.length + 3];
    System.arraycopy(nodeBytes, 0, out, 0, nodeBytes.length);
    out[nodeBytes.length] = ' ';
    out[nodeBytes.length + 1] = (byte) type;
    out[nodeBytes.length + 2] = ' ';
    return out;
  }

  byte[] message(char type, String payload) {
    byte[] head = head(type);
    byte[] p = payload.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[head.length + p.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(p, 0, out, head.length, p.length);
    return out;
  }

  /**
   * Subscribes to the store's channel and waits (at most four command timeouts) for Redis to
   * confirm, so that a write made right after the build is not missed.
   */
  void subscribe(RedisConnector c, String channel) {
    RedisSubscription s = c.subscribe(channel, this);
    subscription = s;
    if (!c.isConnected()) {
      return; // it becomes active when Redis is back, and then clears L1
    }
    long bound = c.settings().commandTimeout().toNanos() * 4;
    long waited = 0;
    while (!s.isActive() && waited < bound) {
      LockSupport.parkNanos(1_000_000);
      waited += 1_000_000;
    }
  }

  @Nullable RedisSubscription subscription() {
    return subscription;
  }

  void close() {
    RedisSubscription s = subscription;
    if (s != null) {
      s.close();
    }
  }

  @Override
  public void onMessage(String channel, byte[] message) {
    onMessage(message);
  }

  @Override
  public void onResubscribed(String channel) {
    resync();
  }

  @Override
  public void onDisconnected(String channel) {
    resync();
  }

  void onMessage(byte[] message) {
    String text = new String(message, StandardCharsets.UTF_8);
    int a = text.indexOf(' ');
    if (a < 0 || a + 2 >= text.length() || text.charAt(a + 2) != ' ') {
      log.debug("cache {}: ignoring a malformed message", name);
      return;
    }
    if (text.startsWith(nodeId) && a == nodeId.length()) {
      return; // our own write: L1 is already up to date
    }
    meters.invalidationsReceived.increment();
    char type = text.charAt(a + 1);
    String payload = text.substring(a + 3);
    if (type == 'k') {
      evictRemote(payload);
    } else if (type == 'g') {
      long g;
      try {
        g = Long.parseLong(payload);
      } catch (NumberFormatException e) {
        g = -1;
      }
      setGeneration(g);
      clearL1();
    }
  }

  private void evictRemote(String mapped) {
    bump(stripe(mapped, mapped));
    Cache<K, Entry<V>> c = l1;
    L2Store<K, V> s = store;
    if (c == null || s == null) {
      return;
    }
    KeyCodec<K> kc = s.keyCodec();
    if (kc != null) {
      K k = kc.decode(mapped);
      if (k != null) {
        c.invalidate(k);
      }
      return;
    }
    if (s.identityKeys()) {
      c.asMap().remove((Object) mapped); // String keys map to themselves
      if (!nonStringKeys) {
        return;
      }
    }
    c.asMap().keySet().removeIf(k -> s.encodeKey(k).equals(mapped));
  }

  /** Messages may have been missed: forget L1 and re-read the generation. */
  void resync() {
    setGeneration(-1);
    clearL1();
  }

  private void setGeneration(long g) {
    L2Store<K, V> s = store;
    if (s != null) {
      s.setGeneration(g);
    }
  }
}
