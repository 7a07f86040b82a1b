package io.headroom.redis;

import io.headroom.core.Checks;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A Lua script run with {@code EVALSHA}, the cheap form that sends only the SHA-1. When the server
 * answers {@code NOSCRIPT} (restart, failover, {@code SCRIPT FLUSH}), it runs the script with
 * {@code EVAL}, which also loads it again; this is safe because NOSCRIPT means nothing ran. A
 * timeout is never retried: the script may have run.
 *
 * <p>All keys must hash to one Cluster slot (give them one {@link RedisKeys#hashTag hash tag});
 * this is checked on every call, on standalone too, so a script that would fail with {@code
 * CROSSSLOT} on Cluster fails in development already.
 *
 * <pre>{@code
 * static final RedisScript<Long> INCR_TO =
 *     RedisScript.of("incr-to", "return redis.call('INCRBY', KEYS[1], ARGV[1])", ScriptOutput.INTEGER);
 * long n = redis.await(INCR_TO.run(redis, List.of("{user:1}:n"), List.of(5)));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param <T> what the script returns
 */
public final class RedisScript<T> {
  private final String name;
  private final byte[] source;
  private final String sha1;
  private final ScriptOutput<T> output;
  final String evalshaCommand;
  final String evalCommand;

  private RedisScript(String name, String source, ScriptOutput<T> output) {
    this.name = name;
    this.source = source.getBytes(StandardCharsets.UTF_8);
    this.sha1 = sha1(this.source);
    this.output = output;
    this.evalshaCommand = "EVALSHA " + name;
    this.evalCommand = "EVAL " + name;
  }

  /**
   * A script from source text.
   *
   * @param name a short name used in error messages
   * @throws IllegalArgumentException if {@code name} or {@code source} is blank
   */
  public static <T> RedisScript<T> of(String name, String source, ScriptOutput<T> output) {
    return new RedisScript<>(
        Checks.notBlank(name, "name"),
        Checks.notBlank(source, "source"),
        Checks.notNull(output, "output"));
  }

  /**
   * A script read from a class-path resource next to {@code anchor}, e.g. {@code "gcra.lua"}.
   *
   * @throws IllegalArgumentException if the resource does not exist
   */
  public static <T> RedisScript<T> fromResource(
      Class<?> anchor, String resource, ScriptOutput<T> output) {
    Checks.notNull(anchor, "anchor");
    Checks.notBlank(resource, "resource");
    try (InputStream in = anchor.getResourceAsStream(resource)) {
      Checks.argument(in != null, "no resource %s next to %s", resource, anchor.getName());
      return of(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8), output);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + resource, e);
    }
  }

  /** The script's name. */
  public String name() {
    return name;
  }

  /** The SHA-1 that {@code EVALSHA} sends, in lower-case hex. */
  public String sha1() {
    return sha1;
  }

  /** The script's source text. */
  public String source() {
    return new String(source, StandardCharsets.UTF_8);
  }

  byte[] sourceBytes() {
    return source;
  }

  ScriptOutput<T> output() {
    return output;
  }

  /**
   * Runs the script through {@code connector}: {@link RedisConnector#evalsha}, then {@link
   * RedisConnector#eval} once if the server answers {@code NOSCRIPT} (nothing ran). Any other
   * failure, a timeout above all, is passed on and never retried.
   *
   * @param keys the script's {@code KEYS}, all in one Cluster slot
   * @param args the script's {@code ARGV}: {@link String}, {@link Number} or {@code byte[]}
   * @throws IllegalArgumentException if the keys span several slots or an argument has another type
   * @throws UnsupportedOperationException if {@code connector} cannot run scripts
   */
  @SuppressWarnings("FutureReturnValueIgnored") // every outcome is forwarded to the returned future
  public CompletableFuture<T> run(RedisConnector connector, List<String> keys, List<?> args) {
    Checks.notNull(connector, "connector");
    Checks.notNull(keys, "keys");
    Checks.notNull(args, "args");
    String[] k = keys.toArray(new String[0]);
    if (k.length > 1) {
      int slot = RedisKeys.slot(k[0]);
      for (String key : k) {
        Checks.argument(
            RedisKeys.slot(key) == slot,
            "script %s: keys %s span several Cluster slots; give them one {hash tag}",
            name,
            keys);
      }
    }
    byte[][] a = new byte[args.size()][];
    for (int i = 0; i < a.length; i++) {
      a[i] = toBytes(args.get(i), i);
    }
    CompletableFuture<T> first = connector.evalsha(this, k, a);
    CompletableFuture<T> out = new CompletableFuture<>();
    first.whenComplete(
        (v, e) -> {
          if (e == null) {
            out.complete(v);
          } else if (isNoScript(e)) {
            // NOSCRIPT: nothing ran, so EVAL (which also reloads the script) is safe.
            CompletableFuture<T> second;
            try {
              second = connector.eval(this, k, a);
            } catch (RuntimeException re) {
              out.completeExceptionally(re);
              return;
            }
            second.whenComplete(
                (v2, e2) -> {
                  if (e2 == null) {
                    out.complete(v2);
                  } else {
                    out.completeExceptionally(e2);
                  }
                });
          } else {
            // a timeout is ambiguous (the script may have run): never retried
            out.completeExceptionally(e);
          }
        });
    return out;
  }

  private static boolean isNoScript(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RedisCommandException c) {
        return RedisCommandException.NOSCRIPT.equals(c.errorCode());
      }
    }
    return false;
  }

  private static byte[] toBytes(Object arg, int index) {
    if (arg instanceof byte[] b) {
      return b;
    }
    if (arg instanceof String s) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
    if (arg instanceof Long || arg instanceof Integer || arg instanceof Short) {
      return arg.toString().getBytes(StandardCharsets.US_ASCII);
    }
    if (arg instanceof Number n) {
      double d = n.doubleValue();
      Checks.argument(Double.isFinite(d), "args[%s] must be finite: %s", index, arg);
      return (d == Math.rint(d) && Math.abs(d) < 1e15
              ? Long.toString((long) d)
              : Double.toString(d))
          .getBytes(StandardCharsets.US_ASCII);
    }
    throw new IllegalArgumentException(
        "args["
            + index
            + "] must be a String, a Number or byte[], not "
            + arg.getClass().getName());
  }

  private static String sha1(byte[] source) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every JVM", e);
    }
  }

  @Override
  public String toString() {
    return "RedisScript{" + name + ", sha1=" + sha1 + "}";
  }
}
