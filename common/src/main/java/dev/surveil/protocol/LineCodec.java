package dev.surveil.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Formats and parses messages as protocol text: requests, replies, and the auth lines before a
 * signed request and its reply. This is the only place that knows the text of the wire format;
 * it works on strings, so it is tested without a network. {@link MessageReader} and
 * {@link ReplyReader} find where a message ends in a byte stream and hand its text here;
 * {@link MessageWriter} turns this text into bytes. Thread-safe (stateless).
 *
 * <p>{@code format(parse(line)).equals(line)} holds for every well-formed line.
 */
public final class LineCodec {
  /** What an {@link AuthLine}, and the auth line of a reply, start with. */
  static final String AUTH_PREFIX = "auth:";
  /** The largest auth timestamp: 15 digits, far beyond any real clock. */
  static final long MAX_AUTH_MILLIS = 999_999_999_999_999L;
  /** The longest auth line, with a {@code \r\n} terminator. */
  static final int MAX_AUTH_LINE_BYTES = AUTH_PREFIX.length() + 15 + 1 + AuthLine.NONCE_HEX_LENGTH
      + 1 + AuthLine.MAC_HEX_LENGTH + 2;
  /** The longest auth line of a reply, with a {@code \r\n} terminator. */
  static final int MAX_REPLY_AUTH_LINE_BYTES = AUTH_PREFIX.length() + AuthLine.MAC_HEX_LENGTH + 2;
  private static final Pattern REPLY_AUTH_LINE =
      Pattern.compile(AUTH_PREFIX + "[0-9a-f]{" + AuthLine.MAC_HEX_LENGTH + "}\r?");
  private static final String RESULTS_PREFIX = Command.RESULTS.token() + ":";
  private static final Map<String, Command> COMMANDS = byWireText(Command.values(), Command::token);
  private static final Map<String, Reply> REPLIES = byWireText(Reply.values(), Reply::text);

  /** A {@code results:<commit>:<length>:} header; its report starts at {@code end}. */
  record ResultsHeader(CommitId commit, int reportLength, int end) {}

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

  /** The auth line before a reply, {@code auth:<mac>}, without its {@code \n} terminator. */
  public static String formatReplyAuthLine(String macHex) {
    return AUTH_PREFIX + macHex;
  }

  /**
   * The MAC of a reply's auth line ({@code auth:<mac>}, 64 lower-case hex digits; one {@code \r}
   * allowed at its end).
   *
   * @throws ProtocolException if it is not one
   */
  public static String parseReplyAuthLine(String line) throws ProtocolException {
    if (!REPLY_AUTH_LINE.matcher(line).matches()) {
      throw new ProtocolException("malformed reply auth line: " + CommitId.quote(line));
    }
    return line.substring(AUTH_PREFIX.length(), AUTH_PREFIX.length() + AuthLine.MAC_HEX_LENGTH);
  }

  /** The reply as protocol text. */
  public static String format(Reply reply) {
    return reply.text();
  }

  /** The request as protocol text, without a line terminator. */
  public static String format(Request request) {
    String keyword = request.command().token();
    // Exhaustive, and the compiler checks it: a switch expression over an enum with no default
    // does not compile unless it names every constant. Each Request type has a Command of its
    // own (LineCodecTest checks it), so a new type brings a new Command and so a new case here.
    // Java 17 has pattern matching in switch only as a preview: we cannot switch over the sealed
    // Request itself. A type that claimed another's Command would fail the cast, loudly.
    return switch (request.command()) {
      case STATUS, PING, NOTIFY -> keyword;
      case DISPATCH -> keyword + ":" + ((Dispatch) request).commit();
      case RUNTEST -> keyword + ":" + ((RunTest) request).commit();
      case REGISTER -> keyword + ":" + format(((Register) request).runner());
      case CLAIM -> {
        Claim claim = (Claim) request;
        yield keyword + ":" + claim.commit() + ":" + format(claim.runner());
      }
      case RESULTS -> {
        Results results = (Results) request;
        yield formatResultsHeader(results.commit(), results.reportLength()) + results.report();
      }
    };
  }

  /**
   * Parses one request. A single trailing {@code \n} (or {@code \r\n}) is accepted and ignored,
   * as the chapter's observer sends one after {@code dispatch}.
   *
   * @throws ProtocolException naming the problem and the offending text
   */
  public static Request parseRequest(String line) throws ProtocolException {
    if (line.startsWith(RESULTS_PREFIX)) {
      // The report may itself end in a newline, so the raw line goes to the results parser.
      return parseResults(line);
    }
    String text = stripTerminator(line);
    int colon = text.indexOf(':');
    Command command = parseKeyword(text, colon);
    String args = text.substring(colon + 1);
    return switch (command) {
      case STATUS -> new Status();
      case PING -> new Ping();
      case NOTIFY -> new Notify();
      case DISPATCH -> new Dispatch(CommitId.parse(args));
      case RUNTEST -> new RunTest(CommitId.parse(args));
      case REGISTER -> new Register(parseAddress(args));
      case CLAIM -> parseClaim(args);
      case RESULTS -> parseResults(line); // "results" alone: needs arguments, refused above
    };
  }

  /** The reply whose wire text is exactly {@code text}, if any. */
  static Optional<Reply> exactReply(String text) {
    return Optional.ofNullable(REPLIES.get(text));
  }

  /** Parses a reply; surrounding whitespace (such as a trailing newline) is ignored. */
  public static Reply parseReply(String text) throws ProtocolException {
    String trimmed = text.strip();
    return exactReply(trimmed).orElseThrow(
        () -> new ProtocolException("unexpected reply: " + CommitId.quote(trimmed)));
  }

  /**
   * The command of {@code text}, a request whose first {@code :} is at {@code colon} (-1 if it
   * has none): its keyword must be a command's, with arguments after a {@code :} if and only if
   * the command takes them.
   *
   * @throws ProtocolException if not
   */
  static Command parseKeyword(String text, int colon) throws ProtocolException {
    String keyword = colon < 0 ? text : text.substring(0, colon);
    Command command = Optional.ofNullable(COMMANDS.get(keyword)).orElseThrow(
        () -> new ProtocolException("unknown command: " + CommitId.quote(keyword)));
    if (!command.hasArguments() && colon >= 0) {
      throw new ProtocolException(
          command.token() + " takes no arguments: " + CommitId.quote(text));
    }
    if (command.hasArguments() && colon < 0) {
      throw new ProtocolException(command.token() + " needs arguments: " + CommitId.quote(text));
    }
    return command;
  }

  /**
   * Parses the {@code results:<commit>:<length>:} header at the start of {@code text}, the length
   * first, then the commit id. This is the one place that parses it, for whole lines and for
   * {@link MessageReader}.
   *
   * @return the header, or null if {@code text} does not hold all of it yet
   * @throws ProtocolException if a field of the header is malformed
   */
  static ResultsHeader parseResultsHeader(String text) throws ProtocolException {
    int first = text.indexOf(':', RESULTS_PREFIX.length());
    int second = first < 0 ? -1 : text.indexOf(':', first + 1);
    if (second < 0) {
      return null;
    }
    int length = parseLength(text.substring(first + 1, second));
    CommitId commit = CommitId.parse(text.substring(RESULTS_PREFIX.length(), first));
    return new ResultsHeader(commit, length, second + 1);
  }

  /** {@code results:<commit>:<length>:}, the text a report follows. */
  static String formatResultsHeader(CommitId commit, int reportLength) {
    return RESULTS_PREFIX + commit + ":" + reportLength + ":";
  }

  /** Builds a {@link Results} from its header and the report bytes read after it. */
  static Results results(ResultsHeader header, byte[] report) throws ProtocolException {
    if (header.reportLength() != report.length) {
      throw new ProtocolException("report is " + report.length + " bytes but its header says "
          + header.reportLength());
    }
    return new Results(header.commit(), new String(report, StandardCharsets.UTF_8));
  }

  /** A report's length: up to 10 ASCII digits, at most {@link Integer#MAX_VALUE}. */
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
  static boolean isAsciiDigits(String text) {
    return !text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  // Two constants with one text fail class initialization: the wire could not tell them apart.
  private static <T> Map<String, T> byWireText(T[] values, Function<T, String> text) {
    return Arrays.stream(values).collect(Collectors.toUnmodifiableMap(text, Function.identity()));
  }

  private static String format(HostAndPort address) {
    return address.host() + ":" + address.port();
  }

  /** {@code <host>:<port>}, as {@code register} and {@code claim} carry it. */
  private static HostAndPort parseAddress(String args) throws ProtocolException {
    int colon = args.lastIndexOf(':');
    if (colon < 0) {
      throw new ProtocolException("register needs <host>:<port>: " + CommitId.quote(args));
    }
    return parseAddress(args.substring(0, colon), args.substring(colon + 1));
  }

  /** A runner's address from its host and port fields, by {@link Register}'s rules. */
  static HostAndPort parseAddress(String host, String port) throws ProtocolException {
    if (port.length() > 5 || !isAsciiDigits(port)) {
      throw new ProtocolException("register port is not a number: " + CommitId.quote(port));
    }
    try {
      return Register.address(host, Integer.parseInt(port));
    } catch (IllegalArgumentException e) {
      throw new ProtocolException(e.getMessage());
    }
  }

  private static Claim parseClaim(String args) throws ProtocolException {
    int colon = args.indexOf(':');
    if (colon < 0) {
      throw new ProtocolException("claim needs <commit>:<host>:<port>: " + CommitId.quote(args));
    }
    HostAndPort runner = parseAddress(args.substring(colon + 1));
    return new Claim(CommitId.parse(args.substring(0, colon)), runner);
  }

  private static Results parseResults(String line) throws ProtocolException {
    ResultsHeader header = parseResultsHeader(line);
    if (header == null) {
      throw new ProtocolException("results needs <commit>:<length>:<report>: "
          + CommitId.quote(line));
    }
    String report = line.substring(header.end());
    byte[] bytes = report.getBytes(StandardCharsets.UTF_8);
    if (bytes.length != header.reportLength()) {
      // Accept the terminator a sender added after the report.
      bytes = stripTerminator(report).getBytes(StandardCharsets.UTF_8);
    }
    return results(header, bytes);
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
