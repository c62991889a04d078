package dev.surveil.protocol;

/**
 * The request keywords of the line protocol, each with its wire token; {@link LineCodec} finds
 * the command of a token.
 */
public enum Command {
  STATUS("status", false),
  DISPATCH("dispatch", true),
  REGISTER("register", true),
  RESULTS("results", true),
  PING("ping", false),
  RUNTEST("runtest", true),
  NOTIFY("notify", false),
  /** Not in the chapter: see {@link Claim}. */
  CLAIM("claim", true);

  private final String token;
  private final boolean hasArguments;

  Command(String token, boolean hasArguments) {
    this.token = token;
    this.hasArguments = hasArguments;
  }

  /** The keyword as it appears on the wire, e.g. {@code dispatch}. */
  public String token() {
    return token;
  }

  /** Whether the keyword is followed by {@code :} and arguments. */
  public boolean hasArguments() {
    return hasArguments;
  }
}
