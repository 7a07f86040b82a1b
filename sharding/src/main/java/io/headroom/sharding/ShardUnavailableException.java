package io.headroom.sharding;

import org.jspecify.annotations.Nullable;

/**
 * A shard cannot serve the call: its primary's breaker is open, no connection could be had within
 * the connection timeout, or the connection was lost during the call (then a write may or may not
 * have been applied). Other shards are unaffected. Stackless (it is thrown at once while a shard is
 * down); the cause, when there is one, keeps its stack.
 */
public final class ShardUnavailableException extends ShardingException {
  private static final long serialVersionUID = 1L;

  private final String shard;
  private final Role role;

  /**
   * Creates the exception.
   *
   * @param shard the shard's name
   * @param role which copy of it failed
   * @param reason why, for the message
   * @param cause the underlying failure, if any
   */
  public ShardUnavailableException(
      String shard, Role role, String reason, @Nullable Throwable cause) {
    super("shard '" + shard + "' " + role.tag() + " is unavailable: " + reason, cause, false);
    this.shard = shard;
    this.role = role;
  }

  /** The name of the shard that failed. */
  public String shard() {
    return shard;
  }

  /** Which copy of the shard failed. */
  public Role role() {
    return role;
  }
}
