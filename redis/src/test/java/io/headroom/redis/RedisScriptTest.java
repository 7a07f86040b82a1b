package io.headroom.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** {@link RedisScript#run} against a scripted connector: which calls it makes, and when. */
class RedisScriptTest {
  private static final RedisScript<Long> SCRIPT =
      RedisScript.of(
          "incr-by", "return redis.call('INCRBY', KEYS[1], ARGV[1])", ScriptOutput.INTEGER);

  /** A connector that answers evalsha/eval from a queue of outcomes and records the calls. */
  private static final class Scripted {
    final Deque<CompletableFuture<Object>> answers = new ArrayDeque<>();
    final List<String> calls = new ArrayList<>();
    final RedisConnector connector;

    Scripted() {
      this(false);
    }

    /** With {@code defaults}, the script calls run the interface's default methods. */
    Scripted(boolean defaults) {
      InvocationHandler h =
          (proxy, method, args) -> {
            String name = method.getName();
            if (defaults && method.isDefault()) {
              return InvocationHandler.invokeDefault(proxy, method, args);
            }
            if (name.equals("evalsha") || name.equals("eval")) {
              String[] keys = (String[]) args[1];
              byte[][] argv = (byte[][]) args[2];
              calls.add(
                  name
                      + " "
                      + String.join(",", keys)
                      + " "
                      + new String(argv[0], java.nio.charset.StandardCharsets.UTF_8));
              return answers.removeFirst();
            }
            if (name.equals("toString")) {
              return "Scripted";
            }
            throw new UnsupportedOperationException(name);
          };
      connector =
          (RedisConnector)
              Proxy.newProxyInstance(
                  RedisConnector.class.getClassLoader(), new Class<?>[] {RedisConnector.class}, h);
    }
  }

  private static CompletableFuture<Object> failed(RuntimeException e) {
    return CompletableFuture.failedFuture(e);
  }

  @Test
  void evalshaHitSendsNothingElse() {
    Scripted s = new Scripted();
    s.answers.add(CompletableFuture.completedFuture(5L));
    assertThat(SCRIPT.run(s.connector, List.of("{a}:n"), List.of(5)).join()).isEqualTo(5L);
    assertThat(s.calls).containsExactly("evalsha {a}:n 5");
  }

  @Test
  void noScriptFallsBackToEvalOnce() {
    Scripted s = new Scripted();
    s.answers.add(
        failed(
            new RedisCommandException(
                "EVALSHA incr-by failed: NOSCRIPT No matching script",
                RedisCommandException.NOSCRIPT,
                null)));
    s.answers.add(CompletableFuture.completedFuture(6L));
    assertThat(SCRIPT.run(s.connector, List.of("{a}:n"), List.of(6L)).join()).isEqualTo(6L);
    assertThat(s.calls).containsExactly("evalsha {a}:n 6", "eval {a}:n 6");
  }

  @Test
  void aFailedEvalAfterNoScriptIsPassedOn() {
    Scripted s = new Scripted();
    s.answers.add(failed(new RedisCommandException("x", RedisCommandException.NOSCRIPT, null)));
    RedisUnavailableException down = new RedisUnavailableException("down", false, null);
    s.answers.add(failed(down));
    assertThatThrownBy(() -> SCRIPT.run(s.connector, List.of("{a}:n"), List.of(1)).join())
        .isInstanceOf(CompletionException.class)
        .hasCause(down);
  }

  @Test
  void aTimeoutOrAnotherErrorIsNeverRetried() {
    Scripted s = new Scripted();
    RedisTimeoutException timeout = new RedisTimeoutException("no answer", null);
    s.answers.add(failed(timeout));
    assertThatThrownBy(() -> SCRIPT.run(s.connector, List.of("{a}:n"), List.of(1)).join())
        .hasCause(timeout);
    RedisCommandException wrongType =
        new RedisCommandException("WRONGTYPE Operation", "WRONGTYPE", null);
    s.answers.add(failed(wrongType));
    assertThatThrownBy(() -> SCRIPT.run(s.connector, List.of("{a}:n"), List.of(1)).join())
        .hasCause(wrongType);
    assertThat(s.calls).containsExactly("evalsha {a}:n 1", "evalsha {a}:n 1");
  }

  @Test
  void aConnectorThatDoesNotRunScriptsSaysSo() {
    RedisConnector none = new Scripted(true).connector;
    assertThatThrownBy(() -> SCRIPT.run(none, List.of("{a}:n"), List.of(1)))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("does not run scripts");
    assertThatThrownBy(() -> none.eval(SCRIPT, new String[0], new byte[0][]))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void errorCodeIsTheFirstWordOfTheServerError() {
    assertThat(RedisCommandException.errorCodeOf("NOSCRIPT No matching script. Please use EVAL."))
        .isEqualTo("NOSCRIPT");
    assertThat(RedisCommandException.errorCodeOf("WRONGTYPE Operation against a key"))
        .isEqualTo("WRONGTYPE");
    assertThat(RedisCommandException.errorCodeOf("BUSY")).isEqualTo("BUSY");
    assertThat(RedisCommandException.errorCodeOf("user_script:1: oops")).isEqualTo("ERR");
    assertThat(RedisCommandException.errorCodeOf("")).isEqualTo("ERR");
    assertThat(RedisCommandException.errorCodeOf(null)).isEqualTo("ERR");
    assertThat(new RedisCommandException("m", null).errorCode()).isEqualTo("ERR");
  }
}
