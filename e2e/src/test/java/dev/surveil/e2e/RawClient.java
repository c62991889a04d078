package dev.surveil.e2e;

import dev.surveil.net.HostAndPort;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Sends any bytes as one request and reads the reply, as a hostile peer would: on a new
 * connection, half-closing after the bytes (so that the server never waits for a quiet period),
 * then reading until the server closes. Thread-safe (stateless).
 */
final class RawClient {
  private static final int MAX_REPLY_BYTES = 4096;

  private final int timeoutMillis;

  RawClient(Duration timeout) {
    this.timeoutMillis = Math.toIntExact(timeout.toMillis());
  }

  /**
   * Sends {@code request} and returns everything the server sent before closing.
   *
   * @throws IOException if the connection fails, times out or is reset before the reply ends
   */
  String exchange(HostAndPort address, byte[] request) throws IOException {
    return exchangeFrom(null, address, request);
  }

  /**
   * As {@link #exchange(HostAndPort, byte[])}, from the local address {@code source} (e.g.
   * {@code 127.0.0.2}, another loopback address than the programs use); any if null.
   */
  String exchangeFrom(InetAddress source, HostAndPort address, byte[] request)
      throws IOException {
    try (Socket socket = new Socket()) {
      if (source != null) {
        socket.bind(new InetSocketAddress(source, 0));
      }
      socket.setTcpNoDelay(true);
      socket.connect(address.toSocketAddress(), timeoutMillis);
      socket.setSoTimeout(timeoutMillis);
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      socket.shutdownOutput();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream reply = new ByteArrayOutputStream();
      byte[] buffer = new byte[1024];
      int n;
      while ((n = in.read(buffer)) >= 0 && reply.size() <= MAX_REPLY_BYTES) {
        reply.write(buffer, 0, n);
      }
      return reply.toString(StandardCharsets.UTF_8);
    }
  }

  /** {@link #exchange(HostAndPort, byte[])} of the UTF-8 bytes of {@code request}. */
  String exchange(HostAndPort address, String request) throws IOException {
    return exchange(address, request.getBytes(StandardCharsets.UTF_8));
  }
}
