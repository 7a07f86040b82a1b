package io.headroom.sharding;

import io.headroom.core.Checks;
import io.headroom.core.Settings;
import java.util.List;

/**
 * One physical shard: a primary that takes writes and any number of read replicas.
 *
 * @param name the shard's name, used in topologies, metrics tags and exceptions
 * @param primary the primary
 * @param replicas the replicas, possibly none
 */
public record ShardSpec(String name, Endpoint primary, List<Endpoint> replicas) {

  /**
   * Validates the spec.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} breaks the naming rule of {@link
   *     Settings#checkName(String)}
   */
  public ShardSpec {
    Settings.checkName(name);
    Checks.notNull(primary, "primary");
    replicas = List.copyOf(Checks.notNull(replicas, "replicas"));
  }
}
