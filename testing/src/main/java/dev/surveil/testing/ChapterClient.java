package dev.surveil.testing;

import dev.surveil.protocol.HostAndPort;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chapter's client, {@code helpers.communicate}: connect, send the request in one write with
 * no terminator, one {@code recv(1024)}, close. It never waits for the end of the stream: the
 * reply is whatever the first read returns, and {@code ""} when the peer closed without one.
 * Unlike the chapter it has timeouts (5 s to connect, a read timeout), so a test cannot hang.
 * Thread-safe (holds nothing between calls).
 */
public final class ChapterClient {
  private static final Logger log = LoggerFactory.getLogger(ChapterClient.class);
  /** How long {@link #communicate(HostAndPort, String)} waits for its one read. */
  public static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

  private ChapterClient() {}

  /** Sends {@code request} and returns what one read of up to 1024 bytes gives back. */
  public static String communicate(HostAndPort address, String request) throws IOException {
    return communicate(address, request, READ_TIMEOUT);
  }

  /**
   * As {@link #communicate(HostAndPort, String)}, waiting at most {@code readTimeout} for the
   * read.
   *
   * @throws IOException if the peer cannot be reached, resets the connection before replying or
   *     sends nothing within {@code readTimeout}
   */
  public static String communicate(HostAndPort address, String request, Duration readTimeout)
      throws IOException {
    try (Socket socket = new Socket()) {
      socket.setTcpNoDelay(true);
      socket.connect(address.toSocketAddress(), CONNECT_TIMEOUT_MILLIS);
      socket.setSoTimeout(Math.toIntExact(readTimeout.toMillis()));
      socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      byte[] reply = new byte[ChapterServer.BUF_SIZE];
      int n = socket.getInputStream().read(reply);
      String text = n < 0 ? "" : new String(reply, 0, n, StandardCharsets.UTF_8);
      log.debug("peer={} request={} reply={}", address, abbreviate(request), text);
      return text;
    }
  }

  static String abbreviate(String text) {
    String line = text.replace("\n", "\\n");
    return line.length() <= 80 ? line : line.substring(0, 77) + "...";
  }
}
