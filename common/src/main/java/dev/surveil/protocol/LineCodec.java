package dev.surveil.protocol;

import java.nio.charset.StandardCharsets;

/**
 * Formats and parses messages as protocol text. This is the only place that knows the wire
 * format; it works on strings, so it is tested without a network. Thread-safe (stateless).
 *
 * <p>{@code format(parse(line)).equals(line)} holds for every well-formed line.
 */
public final class LineCodec {
  /** What an {@link AuthLine} starts with. */
  static final String AUTH_PREFIX = "auth:";
  /** The largest auth timestamp: 15 digits, far beyond any real clock. */
  static final long MAX_AUTH_MILLIS = 999_999_999_999_999L;
  /** The longest auth line, with a {@code \r\n} terminator. */
  static final int MAX_AUTH_LINE_BYTES = AUTH_PREFIX.length() + 15 + 1 + AuthLine.NONCE_HEX_LENGTH
      + 1 + AuthLine.MAC_HEX_LENGTH + 2;

  private LineCodec() {}

  /** The auth line as protocol text, without its {@code \n} terminator. */
  public static String format(AuthLine auth) {
    return AUTH_PREFIX + auth.millis() + ":" + auth.nonce() + ":" + auth.mac();
  }

  /**
   * Parses an auth line: {@code auth:<millis>:<nonce>:<mac>}, the millis in decimal without
   * leading zeros, the nonce and MAC in lower-case hex. One trailing {@code \n} or {@code \r\n}
   * is ignored.
   *
   * @throws AuthenticationException naming the problem and the offending text
   */
  public static AuthLine parseAuthLine(String line) throws AuthenticationException {
    String text = stripTerminator(line);
    if (!text.startsWith(AUTH_PREFIX)) {
      throw new AuthenticationException("no auth line before the request: "
          + CommitId.quote(text));
    }
    String[] fields = text.substring(AUTH_PREFIX.length()).split(":", -1);
    if (fields.length != 3) {
      throw new AuthenticationException("auth line needs <millis>:<nonce>:<mac>: "
          + CommitId.quote(text));
    }
    String millis = fields[0];
    if (millis.length() > 15 || !isAsciiDigits(millis)
        || (millis.length() > 1 && millis.charAt(0) == '0')) {
      throw new AuthenticationException("auth timestamp is not a number: "
          + CommitId.quote(millis));
    }
    try {
      return new AuthLine(Long.parseLong(millis), fields[1], fields[2]);
    } catch (IllegalArgumentException e) {
      throw new AuthenticationException(e.getMessage());
    }
  }

  /** The message as protocol text, without a line terminator. */
  public static String format(Message message) {
    // Java 17 has no pattern matching for switch; Message is sealed, so this chain is complete.
    if (message instanceof Reply reply) {
      return reply.text();
    } else if (message instanceof Dispatch dispatch) {
      return Command.DISPATCH.token() + ":" + dispatch.commit();
    } else if (message instanceof RunTest runTest) {
      return Command.RUNTEST.token() + ":" + runTest.commit();
    } else if (message instanceof Register register) {
      return Command.REGISTER.token() + ":" + register.host() + ":" + register.port();
    } else if (message instanceof Claim claim) {
      return Command.CLAIM.token() + ":" + claim.commit() + ":" + claim.host() + ":"
          + claim.port();
    } else if (message instanceof Results results) {
      return Command.RESULTS.token() + ":" + results.commit() + ":" + results.reportLength() + ":"
          + results.report();
    } else {
      return ((Request) message).command().token();
    }
  }

  /**
   * Parses one request. A single trailing {@code \n} (or {@code \r\n}) is accepted and ignored,
   * as the chapter's observer sends one after {@code dispatch}.
   *
   * @throws ProtocolException naming the problem and the offending text
   */
  public static Request parseRequest(String line) throws ProtocolException {
    if (line.startsWith(Command.RESULTS.token() + ":")) {
      // The report may itself end in a newline, so the raw line goes to the results parser.
      return parseResults(line);
    }
    String text = stripTerminator(line);
    int colon = text.indexOf(':');
    String keyword = colon < 0 ? text : text.substring(0, colon);
    Command command = Command.forToken(keyword).orElseThrow(
        () -> new ProtocolException("unknown command: " + CommitId.quote(keyword)));
    if (!command.hasArguments()) {
      if (colon >= 0) {
        throw new ProtocolException(
            command.token() + " takes no arguments: " + CommitId.quote(text));
      }
      if (command == Command.STATUS) {
        return new Status();
      }
      return command == Command.PING ? new Ping() : new Notify();
    }
    if (colon < 0) {
      throw new ProtocolException(command.token() + " needs arguments: " + CommitId.quote(text));
    }
    String args = text.substring(colon + 1);
    try {
      return switch (command) {
        case DISPATCH -> new Dispatch(CommitId.parse(args));
        case RUNTEST -> new RunTest(CommitId.parse(args));
        case REGISTER -> parseRegister(args);
        case CLAIM -> parseClaim(args);
        default -> throw new ProtocolException("unexpected arguments: " + CommitId.quote(text));
      };
    } catch (IllegalArgumentException e) {
      throw new ProtocolException(e.getMessage());
    }
  }

  /** Parses a reply; surrounding whitespace (such as a trailing newline) is ignored. */
  public static Reply parseReply(String text) throws ProtocolException {
    String trimmed = text.strip();
    return Reply.forText(trimmed).orElseThrow(
        () -> new ProtocolException("unexpected reply: " + CommitId.quote(trimmed)));
  }

  /** Builds a {@link Results} from its header fields and the report bytes read after them. */
  static Results results(String commit, String length, byte[] report) throws ProtocolException {
    int declared = parseLength(length);
    if (declared != report.length) {
      throw new ProtocolException("report is " + report.length + " bytes but its header says "
          + declared);
    }
    return new Results(CommitId.parse(commit), new String(report, StandardCharsets.UTF_8));
  }

  static int parseLength(String length) throws ProtocolException {
    if (length.length() > 10 || !isAsciiDigits(length)) {
      throw new ProtocolException("report length is not a number: " + CommitId.quote(length));
    }
    long value = Long.parseLong(length);
    if (value > Integer.MAX_VALUE) {
      throw new ProtocolException("report length too large: " + length);
    }
    return (int) value;
  }

  // Character.isDigit (and Integer.parseInt) also take non-ASCII digits such as '\u0663', which
  // would break format(parse(line)).equals(line); the wire uses ASCII digits only.
  private static boolean isAsciiDigits(String text) {
    return !text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static Register parseRegister(String args) throws ProtocolException {
    int colon = args.lastIndexOf(':');
    if (colon < 0) {
      throw new ProtocolException("register needs <host>:<port>: " + CommitId.quote(args));
    }
    String port = args.substring(colon + 1);
    if (port.length() > 5 || !isAsciiDigits(port)) {
      throw new ProtocolException("register port is not a number: " + CommitId.quote(port));
    }
    return new Register(args.substring(0, colon), Integer.parseInt(port));
  }

  private static Claim parseClaim(String args) throws ProtocolException {
    int colon = args.indexOf(':');
    if (colon < 0) {
      throw new ProtocolException("claim needs <commit>:<host>:<port>: " + CommitId.quote(args));
    }
    Register runner = parseRegister(args.substring(colon + 1));
    return new Claim(CommitId.parse(args.substring(0, colon)), runner.host(), runner.port());
  }

  private static Results parseResults(String line) throws ProtocolException {
    String afterKeyword = line.substring(Command.RESULTS.token().length() + 1);
    int first = afterKeyword.indexOf(':');
    int second = first < 0 ? -1 : afterKeyword.indexOf(':', first + 1);
    if (second < 0) {
      throw new ProtocolException("results needs <commit>:<length>:<report>: "
          + CommitId.quote(line));
    }
    String commit = afterKeyword.substring(0, first);
    int declared = parseLength(afterKeyword.substring(first + 1, second));
    byte[] rest = afterKeyword.substring(second + 1).getBytes(StandardCharsets.UTF_8);
    if (rest.length != declared) {
      // Accept the terminator a sender added after the report.
      String withoutTerminator = stripTerminator(afterKeyword.substring(second + 1));
      rest = withoutTerminator.getBytes(StandardCharsets.UTF_8);
    }
    return results(commit, String.valueOf(declared), rest);
  }

  private static String stripTerminator(String line) {
    if (line.endsWith("\r\n")) {
      return line.substring(0, line.length() - 2);
    }
    if (line.endsWith("\n")) {
      return line.substring(0, line.length() - 1);
    }
    return line;
  }
}
