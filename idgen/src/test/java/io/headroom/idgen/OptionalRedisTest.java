package io.headroom.idgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** headroom-redis is optional: everything outside io.headroom.idgen.redis works without it. */
class OptionalRedisTest {

  @Test
  void generatesIdsWithoutRedisOnTheClassPath() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator, -1)) {
      if (!entry.contains("headroom-redis")
          && !entry.contains("/redis/target/")
          && !entry.contains("lettuce")) {
        urls.add(new File(entry).toURI().toURL());
      }
    }
    try (URLClassLoader withoutRedis =
        new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      assertThatThrownBy(() -> withoutRedis.loadClass("io.lettuce.core.RedisClient"))
          .isInstanceOf(ClassNotFoundException.class);
      Class<?> api = withoutRedis.loadClass("io.headroom.idgen.IdGenerator");
      Object generator = api.getMethod("withWorkerId", long.class).invoke(null, 1L);
      long id = (long) api.getMethod("nextId").invoke(generator);
      assertThat(id).isPositive();
      Class<?> codes = withoutRedis.loadClass("io.headroom.idgen.ShortCodes");
      Object shortCodes = codes.getMethod("withKey", long.class).invoke(null, 7L);
      String code = (String) codes.getMethod("encode", long.class).invoke(shortCodes, id);
      assertThat(codes.getMethod("decode", String.class).invoke(shortCodes, code)).isEqualTo(id);
      api.getMethod("close").invoke(generator);
    }
  }
}
