package dev.surveil.runner;

import dev.surveil.auth.RequestSigner;
import dev.surveil.net.LineClient;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Request;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * The runner's side of its conversation with the dispatcher: each request on a new connection,
 * with a 2 s connect timeout and a 10 s read timeout, signed when there is a secret. Thread-safe.
 */
public final class DispatcherClient {
  /** How long a call may take at most: connecting plus waiting for the reply. */
  static final Duration MAX_CALL = Duration.ofSeconds(12);

  private final HostAndPort address;
  private final LineClient client;

  /** A client that sends its requests unsigned. */
  public DispatcherClient(HostAndPort address) {
    this(address, Optional.empty());
  }

  /** A client that signs every request with {@code signer}, if present. */
  public DispatcherClient(HostAndPort address, Optional<RequestSigner> signer) {
    this.address = address;
    this.client = new LineClient(Duration.ofSeconds(2), Duration.ofSeconds(10), signer);
  }

  /** The dispatcher's address. */
  public HostAndPort address() {
    return address;
  }

  /**
   * Sends {@code request} and returns the dispatcher's reply.
   *
   * @throws IOException if the dispatcher cannot be reached or does not reply in time
   */
  public Reply send(Request request) throws IOException {
    return client.send(address, request);
  }
}
