package io.headroom.sharding;

import java.util.Locale;

/** Which copy of a shard serves a call. */
public enum Role {
  /** The primary: every write, and reads that must see the latest writes. */
  PRIMARY,
  /** A read replica. */
  REPLICA;

  /** The lower-case name used in metrics tags: {@code primary} or {@code replica}. */
  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
