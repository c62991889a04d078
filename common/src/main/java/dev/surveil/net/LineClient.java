package dev.surveil.net;

import dev.surveil.protocol.LineCodec;
import dev.surveil.protocol.MessageWriter;
import dev.surveil.protocol.ProtocolException;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Request;
import dev.surveil.protocol.RequestSigner;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one request on a new connection and waits for the one reply, with a connect timeout and
 * a read timeout; with a {@link RequestSigner}, each request is signed (sent after its auth
 * line). Thread-safe (holds no connection between calls).
 */
public final class LineClient {
  private static final Logger log = LoggerFactory.getLogger(LineClient.class);
  private static final int MAX_REPLY_BYTES = 1024;

  private final int connectTimeoutMillis;
  private final int readTimeoutMillis;
  private final Optional<RequestSigner> signer;

  /** A client that sends requests unsigned. */
  public LineClient(Duration connectTimeout, Duration readTimeout) {
    this(connectTimeout, readTimeout, Optional.empty());
  }

  /** A client that signs every request with {@code signer}, if present. */
  public LineClient(Duration connectTimeout, Duration readTimeout,
      Optional<RequestSigner> signer) {
    this.connectTimeoutMillis = Math.toIntExact(connectTimeout.toMillis());
    this.readTimeoutMillis = Math.toIntExact(readTimeout.toMillis());
    this.signer = Objects.requireNonNull(signer, "signer");
  }

  /**
   * Sends {@code request} to {@code address} and returns the reply.
   *
   * @throws IOException if the peer cannot be reached, times out or closes without replying
   * @throws ProtocolException if the reply is not one of the protocol's replies
   */
  public Reply send(HostAndPort address, Request request) throws IOException {
    try (Socket socket = new Socket()) {
      socket.setTcpNoDelay(true);
      socket.connect(address.toSocketAddress(), connectTimeoutMillis);
      socket.setSoTimeout(readTimeoutMillis);
      if (log.isDebugEnabled()) {
        log.debug("peer={} > {}", address, request);
      }
      byte[] bytes = signer.isPresent()
          ? MessageWriter.encode(signer.get().sign(request), request)
          : MessageWriter.encode(request);
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      String text = readToEnd(socket.getInputStream(), address);
      if (text.isEmpty()) {
        throw new ProtocolException("connection closed by " + address + " without a reply");
      }
      Reply reply = LineCodec.parseReply(text);
      log.debug("peer={} < {}", address, reply);
      return reply;
    }
  }

  private static String readToEnd(InputStream in, HostAndPort address) throws IOException {
    byte[] reply = new byte[MAX_REPLY_BYTES + 1];
    int length = 0;
    int n;
    try {
      while (length < reply.length && (n = in.read(reply, length, reply.length - length)) >= 0) {
        length += n;
      }
    } catch (SocketException e) {
      // A peer that closes with our request partly unread (the chapter's Python programs do)
      // resets the connection after its reply; what arrived before the reset is the reply.
      if (length == 0) {
        throw e;
      }
      log.debug("peer={} reset the connection after replying: {}", address, e.toString());
    }
    if (length > MAX_REPLY_BYTES) {
      throw new ProtocolException("reply longer than " + MAX_REPLY_BYTES + " bytes");
    }
    return new String(reply, 0, length, StandardCharsets.UTF_8);
  }
}
