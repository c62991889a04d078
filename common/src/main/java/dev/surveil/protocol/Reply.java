package dev.surveil.protocol;

import java.util.Optional;

/** The replies of the line protocol, each with its exact wire text. */
public enum Reply implements Message {
  OK("OK"),
  PONG("pong"),
  BUSY("BUSY"),
  NO_RUNNERS("No runners are registered"),
  INVALID_COMMAND("Invalid command"),
  /** A server that has a secret refuses a request that is not authenticated (or is replayed). */
  UNAUTHORIZED("Unauthorized"),
  /** The dispatcher's answer to a {@link Claim} for a commit that is not the runner's. */
  NOT_ASSIGNED("Not assigned");

  private final String text;

  Reply(String text) {
    this.text = text;
  }

  /** The reply exactly as it is sent. */
  public String text() {
    return text;
  }

  /** The reply whose wire text is exactly {@code text}, if any. */
  public static Optional<Reply> forText(String text) {
    for (Reply reply : values()) {
      if (reply.text.equals(text)) {
        return Optional.of(reply);
      }
    }
    return Optional.empty();
  }
}
