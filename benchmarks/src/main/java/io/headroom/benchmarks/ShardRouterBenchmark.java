package io.headroom.benchmarks;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import io.headroom.sharding.KeyHasher;
import io.headroom.sharding.ShardRouter;
import io.headroom.sharding.internal.Routing;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Key-to-shard routing over 16 shards: headroom's jump hash, ring (160 points per shard) and
 * hash-mod against Guava's {@code Hashing.consistentHash}, for random {@code long} keys and
 * 7-character {@code String} keys (short codes, and the same with non-ASCII characters).
 *
 * <p>Guava's {@code consistentHash(long, n)} runs the same Lamping-Veach loop straight on the raw
 * key (no mixing); headroom mixes the key first (SplitMix64 finalizer), so sequential ids spread
 * evenly. For strings, Guava needs a {@code HashCode} first: its idiom {@code
 * consistentHash(murmur3_128().hashString(s, UTF_8), n)} is the peer of headroom's jump over {@link
 * KeyHasher#strings()}, which hashes the UTF-8 bytes too (encoded on the fly, without an array).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class ShardRouterBenchmark {
  private static final int SHARDS = 16;
  private static final int SIZE = 1024;
  private static final String ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  /** 1-, 2- and 3-byte UTF-8 characters. */
  private static final String UNICODE = "aZ9éßжç日本語中文한국";

  final long[] longs = new long[SIZE];
  final Long[] boxed = new Long[SIZE];
  final String[] strings = new String[SIZE];
  final String[] utf8Strings = new String[SIZE];
  int next;

  final ShardRouter<Long> jumpLong = ShardRouter.jump(SHARDS, KeyHasher.longs());
  final ShardRouter<Long> ringLong = ShardRouter.ring(SHARDS, 160, KeyHasher.longs());
  final ShardRouter<Long> hashModLong = ShardRouter.hashMod(SHARDS, KeyHasher.longs());
  final ShardRouter<String> jumpString = ShardRouter.jump(SHARDS, KeyHasher.strings());
  final ShardRouter<String> ringString = ShardRouter.ring(SHARDS, 160, KeyHasher.strings());
  final ShardRouter<String> hashModString = ShardRouter.hashMod(SHARDS, KeyHasher.strings());
  final HashFunction murmur = Hashing.murmur3_128();

  /** Fills the key arrays and checks that jump matches Guava on the same (pre-mixed) input. */
  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < SIZE; i++) {
      longs[i] = random.nextLong();
      boxed[i] = longs[i];
      StringBuilder sb = new StringBuilder(7);
      for (int c = 0; c < 7; c++) {
        sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
      strings[i] = sb.toString();
      StringBuilder u = new StringBuilder(7);
      for (int c = 0; c < 7; c++) {
        u.append(UNICODE.charAt(random.nextInt(UNICODE.length())));
      }
      utf8Strings[i] = u.toString();
    }
    for (long k : longs) {
      // Same algorithm: over the mixed key, headroom and Guava must agree bucket for bucket.
      if (jumpLong.bucket(k) != Hashing.consistentHash(Routing.mix64(k), SHARDS)) {
        throw new IllegalStateException("jump hash disagrees with Guava for key " + k);
      }
    }
  }

  private int index() {
    int i = next;
    next = (i + 1) & (SIZE - 1);
    return i;
  }

  /** headroom jump over a boxed Long key through the {@code ShardRouter} interface. */
  @Benchmark
  public int headroomJumpLong() {
    return jumpLong.bucket(boxed[index()]);
  }

  /** headroom jump over a primitive long key ({@code Routing.jumpBucket}, internal). */
  @Benchmark
  public int headroomJumpPrimitive() {
    return Routing.jumpBucket(longs[index()], SHARDS);
  }

  /** headroom ring, 160 points per shard. */
  @Benchmark
  public int headroomRingLong() {
    return ringLong.bucket(boxed[index()]);
  }

  /** headroom hash-mod. */
  @Benchmark
  public int hashModLong() {
    return hashModLong.bucket(boxed[index()]);
  }

  /** Guava {@code consistentHash(long, 16)} on the raw key. */
  @Benchmark
  public int guavaConsistentHashLong() {
    return Hashing.consistentHash(longs[index()], SHARDS);
  }

  /** headroom jump over a short-code string. */
  @Benchmark
  public int headroomJumpString() {
    return jumpString.bucket(strings[index()]);
  }

  /** headroom ring over a short-code string. */
  @Benchmark
  public int headroomRingString() {
    return ringString.bucket(strings[index()]);
  }

  /** headroom hash-mod over a short-code string. */
  @Benchmark
  public int hashModString() {
    return hashModString.bucket(strings[index()]);
  }

  /** Guava's idiom for strings: murmur3_128 then consistentHash. */
  @Benchmark
  public int guavaConsistentHashString() {
    return Hashing.consistentHash(
        murmur.hashString(strings[index()], StandardCharsets.UTF_8), SHARDS);
  }

  /** headroom jump over a 7-character string with non-ASCII characters (UTF-8 on the fly). */
  @Benchmark
  public int headroomJumpUtf8String() {
    return jumpString.bucket(utf8Strings[index()]);
  }

  /** Guava's idiom over the same non-ASCII strings. */
  @Benchmark
  public int guavaConsistentHashUtf8String() {
    return Hashing.consistentHash(
        murmur.hashString(utf8Strings[index()], StandardCharsets.UTF_8), SHARDS);
  }
}
