package io.headroom.sharding;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.util.UUID;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract on H2 in-memory databases, with an H2 TCP server for the proxied replica. */
class ShardedDataSourceH2Test extends ShardedDataSourceContract {
  static final String ID = UUID.randomUUID().toString().substring(0, 8);
  static Server server;

  @BeforeAll
  static void startServer() throws SQLException {
    server = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
  }

  @AfterAll
  static void stopServer() {
    server.stop();
  }

  @Override
  protected Endpoint primary(int shard) {
    return Endpoint.of("jdbc:h2:mem:" + ID + "-s" + shard + ";DB_CLOSE_DELAY=-1");
  }

  @Override
  protected Endpoint stale(int shard) {
    return Endpoint.of("jdbc:h2:mem:" + ID + "-stale" + shard + ";DB_CLOSE_DELAY=-1");
  }

  @Override
  protected Endpoint viaProxy(int shard, int proxyPort) {
    return Endpoint.of(
        "jdbc:h2:tcp://127.0.0.1:"
            + proxyPort
            + "/mem:"
            + ID
            + "-s"
            + shard
            + ";DB_CLOSE_DELAY=-1");
  }

  @Override
  protected InetSocketAddress server() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getPort());
  }

  @Override
  protected Endpoint unreachable(int port) {
    return Endpoint.of("jdbc:h2:tcp://127.0.0.1:" + port + "/mem:nowhere");
  }
}
