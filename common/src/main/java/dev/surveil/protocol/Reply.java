package dev.surveil.protocol;

/**
 * The replies of the line protocol, each with its exact wire text; {@link LineCodec} finds the
 * reply of a text.
 */
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
}
