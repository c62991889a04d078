package dev.surveil.protocol;

/**
 * A request that a server with a secret refuses with {@link Reply#UNAUTHORIZED}: no auth
 * line or a malformed one, a wrong MAC, a timestamp too far from the server's clock, or a nonce
 * already used. The message says which, for the server's log; the peer is told only
 * {@code Unauthorized}.
 */
public final class AuthenticationException extends ProtocolException {
  private static final long serialVersionUID = 1L;

  public AuthenticationException(String message) {
    super(message);
  }
}
