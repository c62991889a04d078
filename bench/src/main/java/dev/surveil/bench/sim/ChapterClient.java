package dev.surveil.bench.sim;

import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.ReplyReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A client that talks the way the chapter's Python programs do ({@code helpers.communicate}):
 * one connection, one write of the request's bytes exactly as given (so with no terminator
 * unless the caller adds one), then it reads the reply and closes, without half-closing first.
 * It stops reading as soon as the bytes form a complete reply ({@link ReplyReader}, as every
 * Surveil client does), not at the end of the stream, so a server that replies and holds the
 * connection open is timed by its reply. Thread-safe (holds no connection between calls).
 */
public final class ChapterClient {
  /**
   * One request and its reply.
   *
   * @param reply the reply's text as it arrived
   * @param nanos from just before the request was written to the reply's last byte read
   */
  public record Exchange(String reply, long nanos) {
    /** The round trip in milliseconds. */
    public double millis() {
      return nanos / 1e6;
    }
  }

  private final int connectTimeoutMillis;
  private final int readTimeoutMillis;

  public ChapterClient(Duration connectTimeout, Duration readTimeout) {
    this.connectTimeoutMillis = Math.toIntExact(connectTimeout.toMillis());
    this.readTimeoutMillis = Math.toIntExact(readTimeout.toMillis());
  }

  /**
   * Connects to {@code address}, writes {@code request} in one write and reads the reply. The
   * clock starts after the connection is made, just before the write.
   *
   * @throws IOException if the peer cannot be reached or does not reply within the read timeout
   * @throws dev.surveil.protocol.ProtocolException if it closes without a reply or its reply is
   *     not one of the protocol's
   */
  public Exchange exchange(HostAndPort address, String request) throws IOException {
    byte[] bytes = request.getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket()) {
      socket.setTcpNoDelay(true);
      socket.connect(address.toSocketAddress(), connectTimeoutMillis);
      socket.setSoTimeout(readTimeoutMillis);
      long start = System.nanoTime();
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      String reply = readReply(socket.getInputStream(), address);
      return new Exchange(reply, System.nanoTime() - start);
    }
  }

  private static String readReply(InputStream in, HostAndPort address) throws IOException {
    return ReplyReader.read(in, address.toString()).text();
  }
}
