package io.headroom.cache;

import io.headroom.redis.RedisConnector;
import io.headroom.redis.RedisScript;
import io.headroom.redis.ScriptOutput;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads {@code INFO commandstats} through a script, on the node that owns {@code routingKey}. */
final class RedisInfo {
  private static final RedisScript<byte[]> INFO =
      RedisScript.of("test-info", "return redis.call('INFO', 'commandstats')", ScriptOutput.VALUE);

  private RedisInfo() {}

  static long calls(RedisConnector connector, String routingKey, String command) {
    byte[] info = connector.await(INFO.run(connector, List.of(routingKey), List.of()));
    String text = new String(info, StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("cmdstat_" + command + ":calls=(\\d+)").matcher(text);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }
}
