package dev.surveil.protocol;

/**
 * A request: the first and only message a client sends on a connection. Immutable.
 *
 * <p>The exchange on one connection is: (1) the client connects, (2) sends one request,
 * (3) the server sends one {@link Reply}, (4) the server closes the connection.
 */
public sealed interface Request extends Message
    permits Status, Dispatch, Register, Results, Ping, RunTest, Notify, Claim {

  /** The keyword this request is sent with. */
  Command command();
}
