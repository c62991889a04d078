package dev.surveil.auth;

import java.io.IOException;

/**
 * A client with a secret got a reply without the right MAC ({@link ReplyAuth}): someone other
 * than the server may have answered. The client takes it as no reply at all (as a timeout), not
 * as a refusal: it keeps what it sent and tries again later.
 */
public final class UnauthenticatedReplyException extends IOException {
  private static final long serialVersionUID = 1L;

  public UnauthenticatedReplyException(String message) {
    super(message);
  }
}
