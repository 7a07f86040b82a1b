package io.headroom.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * headroom-redis, headroom-breaker and HikariCP are optional: the registry, the endpoints, the JVM
 * checks and the DataSource check must work in a class loader that has none of them.
 */
class OptionalDependenciesTest {
  private static final List<String> OPTIONAL =
      List.of(
          "headroom-redis",
          "headroom-breaker",
          "redis/target",
          "breaker/target",
          "HikariCP",
          "lettuce",
          "resilience4j",
          "netty",
          "reactor");

  /** Runs inside the isolated class loader. */
  public static final class Scenario implements Callable<String> {
    @Override
    public String call() throws Exception {
      HealthRegistry health =
          HealthRegistry.builder().backgroundChecks(false).drainDelay(Duration.ZERO).build();
      DataSource ds =
          (DataSource)
              java.lang.reflect.Proxy.newProxyInstance(
                  Scenario.class.getClassLoader(),
                  new Class<?>[] {DataSource.class},
                  (p, m, a) ->
                      m.getName().equals("getConnection")
                          ? java.lang.reflect.Proxy.newProxyInstance(
                              Scenario.class.getClassLoader(),
                              new Class<?>[] {Connection.class},
                              (p2, m2, a2) -> m2.getName().equals("isValid") ? Boolean.TRUE : null)
                          : null);
      health.register(DataSourceChecks.connection("db", ds));
      health.register(JvmChecks.deadlocks());
      health.register(JvmChecks.heapAfterGc(1.0));
      health.refresh();
      health.markStarted();
      String body =
          HealthEndpoints.builder(health).build().handle("GET", "/health", name -> null).body();
      health.shutdown();
      return body;
    }
  }

  @Test
  void worksWithoutRedisBreakerOrHikari() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry :
        Pattern.compile(File.pathSeparator, Pattern.LITERAL)
            .splitAsStream(System.getProperty("java.class.path"))
            .toList()) {
      if (OPTIONAL.stream().noneMatch(entry::contains)) {
        urls.add(new File(entry).toURI().toURL());
      }
    }
    try (URLClassLoader isolated =
        new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
      assertThatThrownBy(() -> isolated.loadClass("com.zaxxer.hikari.HikariDataSource"))
          .isInstanceOf(ClassNotFoundException.class);
      assertThatThrownBy(() -> isolated.loadClass("io.headroom.breaker.BreakerRegistry"))
          .isInstanceOf(ClassNotFoundException.class);
      assertThatThrownBy(() -> isolated.loadClass("io.headroom.redis.RedisConnector"))
          .isInstanceOf(ClassNotFoundException.class);

      Callable<?> scenario =
          (Callable<?>)
              isolated.loadClass(Scenario.class.getName()).getDeclaredConstructor().newInstance();

      assertThat((String) scenario.call())
          .matches(
              Pattern.quote("{\"status\":\"UP\",\"checks\":[{\"name\":\"db\",\"status\":\"UP\"},")
                  + Pattern.quote(
                      "{\"name\":\"deadlocks\",\"status\":\"UP\",\"data\":{\"deadlockedThreads\":0}},")
                  + Pattern.quote(
                      "{\"name\":\"heap\",\"status\":\"UP\",\"data\":{\"heapAfterGcRatio\":")
                  + "[0-9.]+"
                  + Pattern.quote(",\"limit\":1}}]}"));
    }
  }
}
