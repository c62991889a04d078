package dev.surveil.protocol;

import java.io.IOException;

/**
 * A request or reply that does not follow the Surveil line protocol; the message names the
 * offending input.
 */
public final class ProtocolException extends IOException {
  private static final long serialVersionUID = 1L;

  public ProtocolException(String message) {
    super(message);
  }
}
