package dev.surveil.net;

import dev.surveil.auth.RequestSigner;
import dev.surveil.protocol.AuthLine;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.MessageWriter;
import dev.surveil.protocol.ProtocolException;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.ReplyReader;
import dev.surveil.protocol.Request;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one request on a new connection and waits for the one reply, with a connect timeout and
 * a read timeout; with a {@link RequestSigner}, each request is signed (sent after its auth
 * line) and its reply must be authenticated as the answer to it ({@link
 * dev.surveil.auth.ReplyAuth}): a reply that is not is taken as no reply. The reply is
 * complete as soon as its bytes form one ({@link ReplyReader}): the peer may keep the connection
 * open, as the chapter's servers do. Thread-safe (holds no connection between calls).
 */
public final class LineClient {
  private static final Logger log = LoggerFactory.getLogger(LineClient.class);

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
   * @throws ProtocolException if the peer closes or resets the connection after the request
   *     without a reply, or its reply is not one of the protocol's replies: the peer was
   *     reached and did not take the request
   * @throws dev.surveil.auth.UnauthenticatedReplyException with a signer, if the reply is
   *     not authenticated as the answer to this request: as if there were no reply
   * @throws IOException if the peer cannot be reached or does not reply within the read
   *     timeout
   */
  public Reply send(HostAndPort address, Request request) throws IOException {
    try (Socket socket = new Socket()) {
      socket.setTcpNoDelay(true);
      socket.connect(address.toSocketAddress(), connectTimeoutMillis);
      socket.setSoTimeout(readTimeoutMillis);
      if (log.isDebugEnabled()) {
        log.debug("peer={} > {}", address, request);
      }
      AuthLine auth = signer.map(s -> s.sign(request)).orElse(null);
      byte[] bytes = auth != null ? MessageWriter.encode(auth, request)
          : MessageWriter.encode(request);
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      if (MessageWriter.isFramedByLength(request)) {
        socket.shutdownOutput();
      }
      Reply reply = ReplyReader.read(socket.getInputStream(), address.toString(),
          auth == null ? null : signer.get().expectedReply(auth));
      log.debug("peer={} < {}", address, reply);
      return reply;
    }
  }
}
