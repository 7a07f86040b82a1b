package io.headroom.sharding;

import io.headroom.core.Checks;
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
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public ShardSpec {
    Checks.notBlank(name, "name");
    Checks.notNull(primary, "primary");
    replicas = List.copyOf(Checks.notNull(replicas, "replicas"));
  }
}
