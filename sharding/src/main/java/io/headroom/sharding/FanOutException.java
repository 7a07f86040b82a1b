package io.headroom.sharding;

import java.util.Map;

/**
 * A {@link ShardedDataSource#forAll} call in which some shards failed or did not answer within the
 * fan-out timeout. The shards that did answer are in {@link #partialResults()}.
 */
public final class FanOutException extends ShardingException {
  private static final long serialVersionUID = 1L;

  private final transient Map<String, Object> partial;
  private final transient Map<String, Throwable> failures;

  FanOutException(Map<String, Object> partial, Map<String, Throwable> failures) {
    super("fan-out failed on shards " + failures.keySet() + ": " + summary(failures));
    this.partial = Map.copyOf(partial);
    this.failures = Map.copyOf(failures);
    failures.values().forEach(this::addSuppressed);
  }

  private static String summary(Map<String, Throwable> failures) {
    StringBuilder sb = new StringBuilder();
    failures.forEach(
        (shard, t) -> {
          if (sb.length() > 0) {
            sb.append("; ");
          }
          sb.append(shard).append(": ").append(t.getMessage());
        });
    return sb.toString();
  }

  /** The results of the shards that answered, by shard name. */
  public Map<String, Object> partialResults() {
    return partial;
  }

  /** Why each failed shard failed, by shard name ({@code TimeoutException} when it timed out). */
  public Map<String, Throwable> failures() {
    return failures;
  }
}
