package dev.surveil.protocol;

import java.util.function.Function;

/**
 * What the bytes of a request received so far, with no terminator, say about it: that they are
 * a whole request that cannot grow into another one, that they could still become a request, or
 * that no more bytes can make them one. This is how a server answers a peer that sends no
 * terminator (as the chapter's programs do) as soon as its request is complete, and refuses a
 * request that can no longer become valid at once. Thread-safe (stateless).
 *
 * <p>A commit id is a full one, 40 or 64 hex digits ({@link CommitId}): an abbreviation is
 * refused once the peer stops sending, or at once when a {@code :} follows it.
 *
 * <p>Complete without a terminator: {@code status}, {@code ping}, {@code notify};
 * {@code dispatch:} or {@code runtest:} with a full-length commit id (40 hex digits for SHA-1,
 * 64 for SHA-256); {@code register:<host>:<port>} whose port cannot take another digit (five
 * digits, or a number above 6553). A shorter commit id or a port such as {@code 1234} is only a
 * possible request: the peer may still send more. {@code results} is framed by its length, not
 * here; only its header is checked.
 */
public final class RequestPrefix {
  /** A verdict on a prefix; {@code problem} says why an {@link Kind#INVALID} one is invalid. */
  public record Verdict(Kind kind, String problem) {
    static final Verdict COMPLETE = new Verdict(Kind.COMPLETE, null);
    static final Verdict INCOMPLETE = new Verdict(Kind.INCOMPLETE, null);

    static Verdict invalid(String problem) {
      return new Verdict(Kind.INVALID, problem);
    }
  }

  /** What a prefix can still become. */
  public enum Kind {
    /** A whole request; more bytes could not make it another request. */
    COMPLETE,
    /** Not yet a request that cannot grow: more bytes may come (it may already parse). */
    INCOMPLETE,
    /** No bytes added to it can make a request. */
    INVALID
  }

  private RequestPrefix() {}

  /**
   * Judges {@code text}: the bytes received so far, decoded, without any {@code \r} or
   * {@code \n} terminator. The rules of each field are {@link LineCodec}'s, {@link CommitId}'s
   * and {@link Register}'s, applied to as much of it as has arrived.
   */
  public static Verdict classify(String text) {
    int colon = text.indexOf(':');
    if (colon < 0) {
      return classifyKeyword(text);
    }
    Command command;
    try {
      command = LineCodec.parseKeyword(text, colon);
    } catch (ProtocolException e) {
      return Verdict.invalid(e.getMessage());
    }
    String args = text.substring(colon + 1);
    return switch (command) {
      case DISPATCH, RUNTEST -> classifyCommit(args);
      case REGISTER -> classifyRegister(args);
      case CLAIM -> classifyAfterCommit(args, RequestPrefix::classifyRegister);
      case RESULTS -> classifyAfterCommit(args, RequestPrefix::classifyResultsLength);
      // no arguments after a ':': LineCodec.parseKeyword refused them above
      case STATUS, PING, NOTIFY -> throw new IllegalStateException(text);
    };
  }

  private static Verdict classifyKeyword(String keyword) {
    for (Command command : Command.values()) {
      if (command.token().equals(keyword)) {
        return command.hasArguments() ? Verdict.INCOMPLETE : Verdict.COMPLETE;
      }
      if (command.token().startsWith(keyword)) {
        return Verdict.INCOMPLETE;
      }
    }
    return Verdict.invalid("unknown command: " + CommitId.quote(keyword));
  }

  /** A commit id being received: complete at a full length (40 or 64 digits). */
  private static Verdict classifyCommit(String hex) {
    if (!CommitId.isPrefix(hex)) {
      return Verdict.invalid(CommitId.PROBLEM + CommitId.quote(hex));
    }
    return CommitId.isFull(hex) ? Verdict.COMPLETE : Verdict.INCOMPLETE;
  }

  /**
   * {@code <commit>:<rest>}: a commit id, which the {@code :} after it ends (so an abbreviation
   * is refused then), and {@code rest} as {@code next} judges it.
   */
  private static Verdict classifyAfterCommit(String args, Function<String, Verdict> next) {
    int colon = args.indexOf(':');
    if (colon < 0) {
      Verdict commit = classifyCommit(args);
      return commit.kind() == Kind.INVALID ? commit : Verdict.INCOMPLETE;
    }
    try {
      CommitId.parse(args.substring(0, colon));
    } catch (ProtocolException e) {
      return Verdict.invalid(e.getMessage());
    }
    return next.apply(args.substring(colon + 1));
  }

  private static Verdict classifyRegister(String args) {
    int colon = args.indexOf(':');
    String host = colon < 0 ? args : args.substring(0, colon);
    // every non-empty prefix of a host name is a host name
    if ((!host.isEmpty() || colon >= 0) && !Register.isHost(host)) {
      return Verdict.invalid("not a host name or IPv4 address: " + CommitId.quote(host));
    }
    if (colon < 0) {
      return Verdict.INCOMPLETE;
    }
    String port = args.substring(colon + 1);
    if (port.isEmpty()) {
      return Verdict.INCOMPLETE;
    }
    if (port.length() > 5 || !LineCodec.isAsciiDigits(port)) {
      return Verdict.invalid("register port is not a number: " + CommitId.quote(port));
    }
    // A 0 may still grow into a port (01), as a port with leading zeros parses: only 00000
    // cannot.
    int value = Integer.parseInt(port);
    if (value > 65535 || (port.length() == 5 && value == 0)) {
      return Verdict.invalid("port out of range 1-65535: " + port);
    }
    boolean canGrow = port.length() < 5 && value * 10 <= 65535;
    return canGrow || value == 0 ? Verdict.INCOMPLETE : Verdict.COMPLETE;
  }

  /** The {@code <length>} of a results header, up to its {@code :}; never complete here. */
  private static Verdict classifyResultsLength(String args) {
    int colon = args.indexOf(':');
    String length = colon < 0 ? args : args.substring(0, colon);
    if (length.isEmpty() && colon < 0) {
      return Verdict.INCOMPLETE;
    }
    try {
      LineCodec.parseLength(length);
    } catch (ProtocolException e) {
      return Verdict.invalid(e.getMessage());
    }
    return Verdict.INCOMPLETE;
  }
}
