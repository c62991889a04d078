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
  /** Handles one request and returns the reply to send. */
  Reply handle(Request request);
}
