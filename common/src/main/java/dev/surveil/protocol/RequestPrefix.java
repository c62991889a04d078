package dev.surveil.protocol;

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

  private static final int SHA1_HEX = 40;
  private static final int MAX_HEX = 64;
  private static final int MAX_HOST = 253;

  private RequestPrefix() {}

  /**
   * Judges {@code text}: the bytes received so far, decoded, without any {@code \r} or
   * {@code \n} terminator.
   */
  public static Verdict classify(String text) {
    int colon = text.indexOf(':');
    String keyword = colon < 0 ? text : text.substring(0, colon);
    if (colon < 0) {
      return classifyKeyword(keyword);
    }
    Command command = Command.forToken(keyword).orElse(null);
    if (command == null) {
      return Verdict.invalid("unknown command: " + CommitId.quote(keyword));
    }
    if (!command.hasArguments()) {
      return Verdict.invalid(command.token() + " takes no arguments: " + CommitId.quote(text));
    }
    String args = text.substring(colon + 1);
    return switch (command) {
      case DISPATCH, RUNTEST -> classifyCommit(args, false);
      case REGISTER -> classifyRegister(args);
      case CLAIM -> classifyClaim(args);
      case RESULTS -> classifyResultsHeader(args);
      default -> Verdict.invalid("unexpected arguments: " + CommitId.quote(text));
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

  /**
   * A commit id being received: complete at a full length (40 or 64 digits). When {@code ended}
   * (a {@code :} followed it) it can no longer grow, so an abbreviation is invalid.
   */
  private static Verdict classifyCommit(String hex, boolean ended) {
    int n = hex.length();
    if (n > MAX_HEX || !isHex(hex) || (ended && n != SHA1_HEX && n != MAX_HEX)) {
      return Verdict.invalid(CommitId.PROBLEM + CommitId.quote(hex));
    }
    return n == SHA1_HEX || n == MAX_HEX ? Verdict.COMPLETE : Verdict.INCOMPLETE;
  }

  private static Verdict classifyRegister(String args) {
    int colon = args.indexOf(':');
    String host = colon < 0 ? args : args.substring(0, colon);
    if (!isHostPrefix(host) || (colon >= 0 && host.isEmpty())) {
      return Verdict.invalid("not a host name or IPv4 address: " + CommitId.quote(host));
    }
    if (colon < 0) {
      return Verdict.INCOMPLETE;
    }
    String port = args.substring(colon + 1);
    if (port.length() > 5 || !isDigits(port)) {
      return Verdict.invalid("register port is not a number: " + CommitId.quote(port));
    }
    if (port.isEmpty()) {
      return Verdict.INCOMPLETE;
    }
    int value = Integer.parseInt(port);
    if (value > 65535 || (port.length() == 5 && value == 0)) {
      return Verdict.invalid("port out of range 1-65535: " + port);
    }
    boolean canGrow = port.length() < 5 && value * 10 <= 65535;
    return canGrow || value == 0 ? Verdict.INCOMPLETE : Verdict.COMPLETE;
  }

  /** {@code <commit>:<host>:<port>}: a full commit id, then as {@code register}. */
  private static Verdict classifyClaim(String args) {
    int colon = args.indexOf(':');
    if (colon < 0) {
      Verdict commit = classifyCommit(args, false);
      return commit.kind() == Kind.INVALID ? commit : Verdict.INCOMPLETE;
    }
    Verdict commit = classifyCommit(args.substring(0, colon), true);
    return commit.kind() == Kind.INVALID ? commit : classifyRegister(args.substring(colon + 1));
  }

  private static Verdict classifyResultsHeader(String args) {
    int colon = args.indexOf(':');
    if (colon < 0) {
      Verdict commit = classifyCommit(args, false);
      return commit.kind() == Kind.INVALID ? commit : Verdict.INCOMPLETE;
    }
    Verdict commit = classifyCommit(args.substring(0, colon), true);
    if (commit.kind() == Kind.INVALID) {
      return commit;
    }
    int second = args.indexOf(':', colon + 1);
    String length = second < 0 ? args.substring(colon + 1) : args.substring(colon + 1, second);
    if (length.length() > 10 || !isDigits(length)) {
      return Verdict.invalid("report length is not a number: " + CommitId.quote(length));
    }
    return Verdict.INCOMPLETE;
  }

  private static boolean isHostPrefix(String host) {
    if (host.length() > MAX_HOST) {
      return false;
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && (i == 0 || (c != '.' && c != '-'))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isHex(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
        return false;
      }
    }
    return true;
  }

  // ASCII only: the wire has no other digits (see LineCodec).
  private static boolean isDigits(String text) {
    return text.chars().allMatch(c -> c >= '0' && c <= '9');
  }
}
