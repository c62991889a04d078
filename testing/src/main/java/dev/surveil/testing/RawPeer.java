package dev.surveil.testing;

import dev.surveil.protocol.HostAndPort;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A client that writes raw bytes and reads raw replies, as the chapter's Python programs do:
 * no terminator unless the test sends one, and the reply is whatever arrives before the server
 * closes. Not thread-safe.
 */
public final class RawPeer implements AutoCloseable {
  private final Socket socket;

  private RawPeer(Socket socket) {
    this.socket = socket;
  }

  /** Connects; every read then waits at most {@code readTimeout}. */
  public static RawPeer connect(InetSocketAddress address, Duration readTimeout) throws IOException {
    return connect(address, null, readTimeout);
  }

  /** Connects from {@code source} (any local address if null), e.g. 127.0.0.2 on Linux. */
  public static RawPeer connect(InetSocketAddress address, InetAddress source, Duration readTimeout)
      throws IOException {
    Socket socket = new Socket();
    try {
      if (source != null) {
        socket.bind(new InetSocketAddress(source, 0));
      }
      socket.setTcpNoDelay(true);
      socket.connect(address, 2_000);
      socket.setSoTimeout(Math.toIntExact(readTimeout.toMillis()));
      return new RawPeer(socket);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * Sends {@code request} on a new connection as a hostile peer would, in one write, then ends
   * its side (so the server never waits for a quiet period) and returns everything the server
   * sent before closing; a reset before that fails.
   */
  public static String exchange(HostAndPort address, String request, Duration timeout)
      throws IOException {
    return exchange(address, request.getBytes(StandardCharsets.UTF_8), timeout);
  }

  /** As {@link #exchange(HostAndPort, String, Duration)}, of raw bytes. */
  public static String exchange(HostAndPort address, byte[] request, Duration timeout)
      throws IOException {
    return exchangeFrom(null, address, request, timeout);
  }

  /**
   * As {@link #exchange(HostAndPort, byte[], Duration)}, from the local address {@code source}
   * (e.g. 127.0.0.2, another loopback address than the programs use); any if null.
   */
  public static String exchangeFrom(InetAddress source, HostAndPort address, byte[] request,
      Duration timeout) throws IOException {
    try (RawPeer peer = connect(address.toSocketAddress(), source, timeout)) {
      peer.send(request).socket.shutdownOutput();
      return peer.readToEnd();
    }
  }

  /** Sends {@code text} in one write and leaves the connection open for writing. */
  public RawPeer send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.UTF_8));
  }

  public RawPeer send(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
    return this;
  }

  /** Reads until the server closes the connection; a reset instead of a close fails. */
  public String readToEnd() throws IOException {
    ByteArrayOutputStream reply = new ByteArrayOutputStream();
    socket.getInputStream().transferTo(reply);
    return reply.toString(StandardCharsets.UTF_8);
  }

  /** Reads until the server closes or resets the connection, and returns what arrived. */
  public String readUntilClosedOrReset() throws IOException {
    ByteArrayOutputStream reply = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[1024];
    try {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        reply.write(buffer, 0, n);
      }
    } catch (SocketException reset) {
      // what arrived before the reset is the answer
    }
    return reply.toString(StandardCharsets.UTF_8);
  }

  /** Every read from now on waits at most {@code timeout}. */
  public void setReadTimeout(Duration timeout) throws IOException {
    socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
