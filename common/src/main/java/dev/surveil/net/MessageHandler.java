package dev.surveil.net;

import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Request;
import java.net.InetSocketAddress;

/**
 * What a server does with a request: the seam between transport and logic. The server knows
 * nothing of what messages mean and the handler knows nothing of sockets. Implementations must be
 * thread-safe: the server calls them from one thread per connection.
 */
@FunctionalInterface
public interface MessageHandler {
  /**
   * Handles one request and returns the reply to send, or {@code null} to close the connection
   * without a reply: the request was not done, and a client takes that as a refusal and may send
   * it again (the dispatcher does this when it cannot write the change down).
   */
  Reply handle(Request request);

  /**
   * Handles one request from {@code peer}, the address the connection came from, as
   * {@link #handle(Request)} does; the server calls this one. A handler that trusts a request
   * only from a certain address (the dispatcher takes a result only from its runner's host)
   * overrides it; the others need not.
   */
  default Reply handle(Request request, InetSocketAddress peer) {
    return handle(request);
  }
}
