package dev.surveil.net;

import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Request;

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
}
