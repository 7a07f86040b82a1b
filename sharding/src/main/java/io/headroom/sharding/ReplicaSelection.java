package io.headroom.sharding;

/** How a read picks among a shard's healthy replicas. */
public enum ReplicaSelection {
  /** Each read takes the next replica in turn. */
  ROUND_ROBIN,
  /** Each read takes the replica whose pool has the fewest connections in use or awaited. */
  LEAST_IN_USE
}
