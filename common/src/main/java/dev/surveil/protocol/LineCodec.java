package dev.surveil.protocol;

import java.nio.charset.StandardCharsets;

/**
 * Formats and parses messages as protocol text. This is the only place that knows the wire
 * format; it works on strings, so it is tested without a network. Thread-safe (stateless).
 *
 * <p>{@code format(parse(line)).equals(line)} holds for every well-formed line.
 */
public final class LineCodec {
  private LineCodec() {}

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
