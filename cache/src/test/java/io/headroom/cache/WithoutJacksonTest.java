package io.headroom.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.redis.RedisConnector;
import io.headroom.redis.RedisSettings;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * jackson-databind is optional: a cache with the string codec, L1 and an (unreachable) L2 must
 * build and serve in a class loader that has no Jackson; only {@code CacheCodec.json} needs it.
 */
class WithoutJacksonTest {

  /** Runs inside the isolated class loader. */
  public static final class Scenario implements Callable<String> {
    @Override
    public String call() {
      StringBuilder out = new StringBuilder();
      try (RedisConnector down =
              RedisConnector.create(
                  RedisSettings.of("redis://127.0.0.1:1").toBuilder()
                      .commandTimeout(Duration.ofMillis(100))
                      .build());
          TieredCache<String, String> cache =
              TieredCache.<String, String>builder("nojackson")
                  .local(100, Duration.ofMinutes(1))
                  .remote(down, Duration.ofMinutes(5))
                  .codec(CacheCodec.string())
                  .keyCodec(KeyCodec.strings())
                  .compressAbove(8)
                  .loader(k -> "v-" + k)
                  .build()) {
        out.append(cache.get("a")).append(',');
        cache.put("b", "explicit");
        out.append(cache.get("b")).append(',');
        Map<String, String> all = cache.getAll(List.of("a", "b", "c"));
        out.append(all).append(',');
        cache.invalidate("a");
        out.append(cache.getIfPresent("a")).append(',');
        out.append(
                new String(
                    CacheCodec.bytes()
                        .decode("raw".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    java.nio.charset.StandardCharsets.UTF_8))
            .append(',');
        out.append(cache.stats().l1Hits());
      }
      try {
        CacheCodec.json(String.class);
        out.append(",json:loaded");
      } catch (LinkageError expected) {
        out.append(",json:").append(expected.getClass().getSimpleName());
      }
      return out.toString();
    }
  }

  @Test
  void theCacheWorksWithoutJacksonOnTheClassPath() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry :
        Pattern.compile(File.pathSeparator, Pattern.LITERAL)
            .splitAsStream(System.getProperty("java.class.path"))
            .toList()) {
      if (!entry.contains("jackson")) {
        urls.add(new File(entry).toURI().toURL());
      }
    }
    try (URLClassLoader isolated =
        new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
      assertThatThrownBy(() -> isolated.loadClass("com.fasterxml.jackson.databind.ObjectMapper"))
          .isInstanceOf(ClassNotFoundException.class);
      Callable<?> scenario =
          (Callable<?>)
              isolated.loadClass(Scenario.class.getName()).getDeclaredConstructor().newInstance();
      assertThat((String) scenario.call())
          .isEqualTo(
              "v-a,explicit,{a=v-a, b=explicit, c=v-c},null,raw,3,json:NoClassDefFoundError");
    }
  }
}
