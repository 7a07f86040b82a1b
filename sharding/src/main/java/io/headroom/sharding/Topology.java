package io.headroom.sharding;

import io.headroom.core.Checks;
import io.headroom.core.Settings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A versioned assignment of logical buckets to named physical shards.
 *
 * <p>Topologies are values: every change returns a new one with a higher {@link #version()}, and
 * {@link ReshardPlan#between(Topology, Topology)} lists what moves from one to the next.
 *
 * <pre>{@code
 * Topology v1 = Topology.uniform(1, 1024, List.of("shard0", "shard1"));
 * Topology v2 = v1.withShardAdded("shard2");          // moves 341 of 1024 buckets, none idle
 * ReshardPlan plan = ReshardPlan.between(v1, v2);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class Topology {
  private final long version;
  private final List<String> shards;
  private final int[] owners;

  private Topology(long version, List<String> shards, int[] owners) {
    this.version = version;
    this.shards = shards;
    this.owners = owners;
  }

  /**
   * Spreads {@code bucketCount} buckets over {@code shards} round robin: bucket {@code b} goes to
   * {@code shards.get(b % shards.size())}. With one bucket per shard this is the identity.
   *
   * @throws IllegalArgumentException if the version is negative, the bucket count is not positive,
   *     the shard list is empty or has duplicate names or names that break the naming rule of
   *     {@link Settings#checkName(String)}
   */
  public static Topology uniform(long version, int bucketCount, List<String> shards) {
    Checks.positive(bucketCount, "bucketCount");
    List<String> names = checkShards(shards);
    int[] owners = new int[bucketCount];
    for (int b = 0; b < bucketCount; b++) {
      owners[b] = b % names.size();
    }
    return new Topology(Checks.notNegative(version, "version"), names, owners);
  }

  /**
   * A topology from an explicit owner per bucket ({@code owners[b]} is the shard of bucket {@code
   * b}).
   *
   * @throws IllegalArgumentException if a shard name breaks the naming rule of {@link
   *     Settings#checkName(String)}, is duplicated or an owner is not in {@code shards}, or the
   *     owner list is empty
   */
  public static Topology of(long version, List<String> shards, List<String> owners) {
    List<String> names = checkShards(shards);
    Checks.argument(!owners.isEmpty(), "owners must not be empty");
    int[] idx = new int[owners.size()];
    for (int b = 0; b < idx.length; b++) {
      String owner = Checks.notNull(owners.get(b), "owners[" + b + "]");
      idx[b] = names.indexOf(owner);
      Checks.argument(
          idx[b] >= 0, "owners[%s] names an unknown shard: '%s' (shards %s)", b, owner, names);
    }
    return new Topology(Checks.notNegative(version, "version"), names, idx);
  }

  private static List<String> checkShards(List<String> shards) {
    List<String> names = List.copyOf(Checks.notNull(shards, "shards"));
    Checks.argument(!names.isEmpty(), "shards must not be empty");
    Set<String> seen = new HashSet<>();
    for (String s : names) {
      Settings.checkName(s);
      Checks.argument(seen.add(s), "shard names must be unique: '%s'", s);
    }
    return names;
  }

  /** The version; a topology that replaces another has a higher one. */
  public long version() {
    return version;
  }

  /** The number of logical buckets; fixed across the versions of one data set. */
  public int bucketCount() {
    return owners.length;
  }

  /** The shard names, in a stable order (shards that own no bucket included). */
  public List<String> shards() {
    return shards;
  }

  /**
   * The shard that owns {@code bucket}.
   *
   * @throws IllegalArgumentException if {@code bucket} is not in {@code [0, bucketCount())}
   */
  public String shardOf(int bucket) {
    return shards.get(shardIndexOf(bucket));
  }

  /**
   * The index in {@link #shards()} of the shard that owns {@code bucket}.
   *
   * @throws IllegalArgumentException if {@code bucket} is not in {@code [0, bucketCount())}
   */
  public int shardIndexOf(int bucket) {
    if (bucket < 0 || bucket >= owners.length) {
      throw new IllegalArgumentException(
          "bucket must be in [0, " + (owners.length - 1) + "]: " + bucket);
    }
    return owners[bucket];
  }

  /**
   * The buckets {@code shard} owns, ascending; empty for an unknown shard or one with no bucket.
   */
  public List<Integer> bucketsOf(String shard) {
    int s = shards.indexOf(shard);
    List<Integer> out = new ArrayList<>();
    for (int b = 0; b < owners.length; b++) {
      if (owners[b] == s) {
        out.add(b);
      }
    }
    return Collections.unmodifiableList(out);
  }

  /** The number of buckets per shard, in {@link #shards()} order. */
  public Map<String, Integer> bucketCounts() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    int[] c = counts();
    for (int i = 0; i < shards.size(); i++) {
      counts.put(shards.get(i), c[i]);
    }
    return Collections.unmodifiableMap(counts);
  }

  private int[] counts() {
    int[] c = new int[shards.size()];
    for (int o : owners) {
      c[o]++;
    }
    return c;
  }

  /**
   * Adds {@code shard} and moves to it the fewest buckets that leave every shard with {@code floor}
   * or {@code ceil} of {@code bucketCount / shards}: {@code floor(B / (n + 1))} buckets, each taken
   * from the currently fullest shard (its highest-numbered bucket). Version + 1.
   *
   * @throws IllegalArgumentException if {@code shard} breaks the naming rule of {@link
   *     Settings#checkName(String)} or is already present
   */
  public Topology withShardAdded(String shard) {
    Settings.checkName(shard);
    Checks.argument(!shards.contains(shard), "shard already present: '%s'", shard);
    List<String> names = new ArrayList<>(shards);
    names.add(shard);
    int added = names.size() - 1;
    int[] next = owners.clone();
    int[] c = Arrays.copyOf(counts(), names.size());
    int target = owners.length / names.size();
    for (int moved = 0; moved < target; moved++) {
      int from = 0;
      for (int i = 1; i < added; i++) {
        if (c[i] > c[from]) {
          from = i;
        }
      }
      for (int b = next.length - 1; b >= 0; b--) {
        if (next[b] == from) {
          next[b] = added;
          break;
        }
      }
      c[from]--;
      c[added]++;
    }
    return new Topology(version + 1, List.copyOf(names), next);
  }

  /**
   * Removes {@code shard}, handing each of its buckets to the shard with the fewest at that moment.
   * Version + 1.
   *
   * @throws IllegalArgumentException if {@code shard} is unknown or is the last shard
   */
  public Topology withShardRemoved(String shard) {
    int gone = shards.indexOf(shard);
    Checks.argument(gone >= 0, "unknown shard: '%s'", shard);
    Checks.argument(shards.size() > 1, "cannot remove the last shard: '%s'", shard);
    int[] c = counts();
    c[gone] = Integer.MAX_VALUE;
    int[] next = owners.clone();
    for (int b = 0; b < next.length; b++) {
      if (next[b] == gone) {
        int to = 0;
        for (int i = 1; i < c.length; i++) {
          if (c[i] < c[to]) {
            to = i;
          }
        }
        next[b] = to;
        c[to]++;
      }
    }
    List<String> names = new ArrayList<>(shards);
    names.remove(gone);
    for (int b = 0; b < next.length; b++) {
      if (next[b] > gone) {
        next[b]--;
      }
    }
    return new Topology(version + 1, List.copyOf(names), next);
  }

  /**
   * Moves one bucket to {@code shard} (added to the shard list if new). Version + 1.
   *
   * @throws IllegalArgumentException if {@code bucket} is out of range or {@code shard} breaks the
   *     naming rule of {@link Settings#checkName(String)}
   */
  public Topology withBucketMoved(int bucket, String shard) {
    shardIndexOf(bucket);
    Settings.checkName(shard);
    List<String> names = new ArrayList<>(shards);
    if (!names.contains(shard)) {
      names.add(shard);
    }
    int[] next = owners.clone();
    next[bucket] = names.indexOf(shard);
    return new Topology(version + 1, List.copyOf(names), next);
  }

  /**
   * The same assignment with another version number, e.g. to restore a stored topology.
   *
   * @throws IllegalArgumentException if {@code version} is negative
   */
  public Topology withVersion(long version) {
    return new Topology(Checks.notNegative(version, "version"), shards, owners);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Topology t
        && t.version == version
        && t.shards.equals(shards)
        && Arrays.equals(t.owners, owners);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(version) * 31 + Arrays.hashCode(owners);
  }

  @Override
  public String toString() {
    return "Topology{version="
        + version
        + ", buckets="
        + owners.length
        + ", shards="
        + bucketCounts()
        + "}";
  }
}
