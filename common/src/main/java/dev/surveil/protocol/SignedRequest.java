package dev.surveil.protocol;

import java.util.Objects;

/**
 * A request as it arrived at a server that has a secret: the {@link AuthLine} sent before
 * it and the request itself, not yet verified. Immutable.
 */
public record SignedRequest(AuthLine auth, Request request) {
  public SignedRequest {
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(request, "request");
  }
}
