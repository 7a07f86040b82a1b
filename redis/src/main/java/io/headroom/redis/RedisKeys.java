package io.headroom.redis;

import io.headroom.core.Checks;
import io.lettuce.core.cluster.SlotHash;
import java.nio.charset.StandardCharsets;

/**
 * Key names that stay in one Cluster slot. A namespace prefixes every key ({@code headroom:rl:}); a
 * {@code {hash tag}} makes every key of one subject hash to the same slot, so multi-key scripts
 * never see {@code CROSSSLOT}.
 *
 * <pre>{@code
 * RedisKeys keys = RedisKeys.namespace("headroom:rl");
 * String tag = RedisKeys.hashTag("user:42");           // {user:42}
 * keys.key(tag, "api", "60s");                          // headroom:rl:{user:42}:api:60s
 * keys.tagged("user:42", "api");                        // headroom:rl:{user:42}:api
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class RedisKeys {
  private final String prefix;

  private RedisKeys(String prefix) {
    this.prefix = prefix;
  }

  /**
   * A namespace; keys are {@code namespace + ":" + parts joined by ":"}.
   *
   * @throws IllegalArgumentException if {@code namespace} is blank or contains braces
   */
  public static RedisKeys namespace(String namespace) {
    Checks.notBlank(namespace, "namespace");
    Checks.argument(
        namespace.indexOf('{') < 0 && namespace.indexOf('}') < 0,
        "namespace must not contain a hash tag (braces), or every key lands in one slot: %s",
        namespace);
    return new RedisKeys(namespace.endsWith(":") ? namespace : namespace + ":");
  }

  /** The namespace with its trailing colon, e.g. {@code headroom:rl:}. */
  public String prefix() {
    return prefix;
  }

  /**
   * {@code prefix + parts joined by ":"}.
   *
   * @throws IllegalArgumentException if there are no parts
   */
  public String key(String... parts) {
    Checks.argument(parts.length > 0, "key needs at least one part");
    StringBuilder sb = new StringBuilder(prefix);
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        sb.append(':');
      }
      sb.append(Checks.notNull(parts[i], "parts[" + i + "]"));
    }
    return sb.toString();
  }

  /**
   * A key whose slot is decided by {@code subject} alone: {@code prefix{subject}:parts...}.
   *
   * @throws IllegalArgumentException if {@code subject} is empty
   */
  public String tagged(String subject, String... parts) {
    StringBuilder sb = new StringBuilder(prefix).append(hashTag(subject));
    for (String p : parts) {
      sb.append(':').append(Checks.notNull(p, "part"));
    }
    return sb.toString();
  }

  /**
   * Wraps {@code subject} in braces so Cluster hashes only it. Braces inside {@code subject} are
   * replaced by parentheses, since Redis would end the tag at the first {@code '}'}.
   *
   * @throws IllegalArgumentException if {@code subject} is empty
   */
  public static String hashTag(String subject) {
    Checks.notNull(subject, "subject");
    Checks.argument(!subject.isEmpty(), "hash tag subject must not be empty");
    return "{" + subject.replace('{', '(').replace('}', ')') + "}";
  }

  /** The Cluster slot (0..16383) of {@code key}, honouring hash tags. */
  public static int slot(String key) {
    return SlotHash.getSlot(Checks.notNull(key, "key").getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "RedisKeys{" + prefix + "}";
  }
}
