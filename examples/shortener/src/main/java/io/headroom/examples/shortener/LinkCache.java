package io.headroom.examples.shortener;

import java.util.Optional;
import java.util.function.Function;

/**
 * The lookup cache in front of the shards: L1 in-process, then L2 on Redis when one is configured,
 * then the loader (the shard's replica). "Not found" is cached too, for a shorter time, so a scan
 * of random codes does not reach the database.
 */
interface LinkCache extends AutoCloseable {

  /** The link for {@code code}, or empty if there is none; {@code loader} runs on a miss. */
  Optional<Link> get(String code, Function<String, Optional<Link>> loader);

  /** Stores a link just created, so that its first redirect is a hit on every tier. */
  void put(Link link);

  @Override
  void close();
}
