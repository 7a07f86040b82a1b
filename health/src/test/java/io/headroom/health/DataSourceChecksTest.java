package io.headroom.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class DataSourceChecksTest {

  /** A DataSource whose connections answer isValid as told; every other call is a no-op. */
  static final class FakeDataSource implements DataSource {
    final AtomicBoolean valid = new AtomicBoolean(true);
    final AtomicBoolean refuse = new AtomicBoolean();
    final AtomicInteger opened = new AtomicInteger();

    @Override
    public Connection getConnection() throws SQLException {
      if (refuse.get()) {
        throw new SQLException("Connection refused");
      }
      opened.incrementAndGet();
      return (Connection)
          Proxy.newProxyInstance(
              getClass().getClassLoader(),
              new Class<?>[] {Connection.class},
              (proxy, method, args) -> defaultAnswer(method.getName(), method.getReturnType()));
    }

    private @Nullable Object defaultAnswer(String name, Class<?> type) {
      if (name.equals("isValid")) {
        return valid.get();
      }
      if (type == boolean.class) {
        return name.equals("getAutoCommit");
      }
      if (type == int.class) {
        return name.equals("getTransactionIsolation") ? Connection.TRANSACTION_READ_COMMITTED : 0;
      }
      return null;
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      return getConnection();
    }

    @Override
    public @Nullable PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(@Nullable PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() {
      return Logger.getLogger("fake");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }

  @Test
  void validConnectionIsUp() throws Exception {
    FakeDataSource ds = new FakeDataSource();

    CheckResult r = DataSourceChecks.connection("db", ds).build().check().check();

    assertThat(r).isEqualTo(CheckResult.up());
    assertThat(ds.opened).hasValue(1);
  }

  @Test
  void invalidConnectionIsDown() throws Exception {
    FakeDataSource ds = new FakeDataSource();
    ds.valid.set(false);

    CheckResult r = DataSourceChecks.connection("db", ds).build().check().check();

    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.error()).isEqualTo("connection is not valid");
  }

  @Test
  void refusedConnectionIsDownThroughTheRegistry() {
    FakeDataSource ds = new FakeDataSource();
    ds.refuse.set(true);
    HealthRegistry health = HealthRegistry.builder().backgroundChecks(false).build();
    health.register(DataSourceChecks.connection("db", ds));

    health.refresh();

    CheckState s = health.report(HealthGroup.READINESS).checks().get(0);
    assertThat(s.status()).isEqualTo(Status.DOWN);
    assertThat(s.error()).isEqualTo("SQLException: Connection refused");
  }

  @Test
  void waitingThreadsDegradeWithoutBorrowing() throws Exception {
    FakeDataSource ds = new FakeDataSource();

    CheckResult r = DataSourceChecks.connection("db", ds, () -> 3).build().check().check();

    assertThat(r.status()).isEqualTo(Status.DEGRADED);
    assertThat(r.details()).containsEntry("pending", 3);
    assertThat(ds.opened).hasValue(0);
  }

  @Test
  void isADependencyRefusedInLiveness() {
    assertThatThrownBy(
            () ->
                DataSourceChecks.connection("db", new FakeDataSource())
                    .groups(HealthGroup.LIVENESS)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("refused in the liveness group");
  }

  @Test
  void hikariPoolReportsThreadsAwaitingAConnection() throws Exception {
    HikariConfig config = new HikariConfig();
    config.setDataSource(new FakeDataSource());
    config.setMaximumPoolSize(1);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(30_000);
    config.setPoolName("health-test");
    try (HikariDataSource pool = new HikariDataSource(config)) {
      CheckConfig check = DataSourceChecks.connection("db", pool).build();
      assertThat(check.check().check()).isEqualTo(CheckResult.up().withDetail("pending", 0));

      Connection held = pool.getConnection();
      CompletableFuture<Void> waiter =
          CompletableFuture.runAsync(
              () -> {
                try (Connection c = pool.getConnection()) {
                  assertThat(c).isNotNull();
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              });
      await().until(() -> pool.getHikariPoolMXBean().getThreadsAwaitingConnection() == 1);

      CheckResult busy = check.check().check();

      assertThat(busy.status()).isEqualTo(Status.DEGRADED);
      assertThat(busy.error()).isEqualTo("1 threads are waiting for a pooled connection");
      held.close();
      waiter.get(10, TimeUnit.SECONDS);
      assertThat(check.check().check().status()).isEqualTo(Status.UP);
    }
  }
}
