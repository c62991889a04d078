package dev.surveil.protocol;

import java.io.IOException;

/**
 * A request or reply that does not follow the Surveil line protocol; the message names the
 * offending input. {@link AuthenticationException} is the one kind a server answers with
 * {@code Unauthorized} instead of {@code Invalid command}.
 */
public sealed class ProtocolException extends IOException permits AuthenticationException {
  private static final long serialVersionUID = 1L;

  public ProtocolException(String message) {
    super(message);
  }
}
