package io.headroom.sharding;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder that a test can stop (refusing new connections and cutting live ones) and start
 * again on the same port: a replica that goes down and comes back, for any database.
 */
final class TcpProxy implements AutoCloseable {
  private final InetAddress targetHost;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile ServerSocket server;
  private final int port;

  TcpProxy(InetAddress targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.server = bind(0);
    this.port = server.getLocalPort();
    accept(server);
  }

  int port() {
    return port;
  }

  private static ServerSocket bind(int port) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    return s;
  }

  private void accept(ServerSocket s) {
    Thread t =
        new Thread(
            () -> {
              while (!s.isClosed()) {
                try {
                  Socket client = s.accept();
                  Socket upstream = new Socket(targetHost, targetPort);
                  sockets.add(client);
                  sockets.add(upstream);
                  pump(client, upstream);
                  pump(upstream, client);
                } catch (IOException e) {
                  // closed by stop()
                }
              }
            },
            "tcp-proxy-accept-" + port);
    t.setDaemon(true);
    t.start();
  }

  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[8192];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // either side closed
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "tcp-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  /** Refuses new connections and cuts the live ones. */
  void stop() {
    closeQuietly(server);
    for (Socket s : sockets) {
      closeQuietly(s);
    }
    sockets.clear();
  }

  /** Listens again on the same port. */
  void start() throws IOException {
    server = bind(port);
    accept(server);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // best effort
    }
  }

  @Override
  public void close() {
    stop();
  }
}
