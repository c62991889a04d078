package dev.surveil.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The wire format on plain strings: every message both ways, and the exact error messages. */
public class LineCodecTest {
  public static final String ID = "0123456789abcdef0123456789abcdef01234567";
  public static final CommitId COMMIT = new CommitId(ID);

  static Stream<Arguments> requests() {
    return Stream.of(
        Arguments.of("status", new Status()),
        Arguments.of("ping", new Ping()),
        Arguments.of("notify", new Notify()),
        Arguments.of("dispatch:" + ID, new Dispatch(COMMIT)),
        Arguments.of("runtest:" + ID, new RunTest(COMMIT)),
        Arguments.of("runtest:" + "f".repeat(64), new RunTest(new CommitId("f".repeat(64)))),
        Arguments.of("register:localhost:8900", new Register(new HostAndPort("localhost", 8900))),
        Arguments.of("claim:" + ID + ":localhost:8900",
            new Claim(COMMIT, new HostAndPort("localhost", 8900))),
        Arguments.of("claim:" + ID + ":10.0.0.7:1",
            new Claim(COMMIT, new HostAndPort("10.0.0.7", 1))),
        Arguments.of("register:10.0.0.7:1", new Register(new HostAndPort("10.0.0.7", 1))),
        Arguments.of("register:ci-runner-2.example.org:65535",
            new Register(new HostAndPort("ci-runner-2.example.org", 65535))),
        Arguments.of("results:" + ID + ":0:", new Results(COMMIT, "")),
        Arguments.of("results:" + ID + ":5:1 ran", new Results(COMMIT, "1 ran")),
        Arguments.of("results:" + ID + ":22:a:b::c\nFAILED: x\r\nend\n",
            new Results(COMMIT, "a:b::c\nFAILED: x\r\nend\n")),
        Arguments.of("results:" + ID + ":14:caf\u00e9 \u2713 \uD83D\uDE00",
            new Results(COMMIT, "caf\u00e9 \u2713 \uD83D\uDE00")));
  }

  @ParameterizedTest
  @MethodSource("requests")
  void parsesEachRequest(String line, Request expected) throws ProtocolException {
    Request parsed = LineCodec.parseRequest(line);

    assertThat(parsed).isEqualTo(expected);
    assertThat(line).startsWith(parsed.command().token() + (parsed.command().hasArguments()
        ? ":" : ""));
  }

  @ParameterizedTest
  @MethodSource("requests")
  void formatsEachRequest(String line, Request request) {
    assertThat(LineCodec.format(request)).isEqualTo(line);
  }

  @ParameterizedTest
  @MethodSource("requests")
  void formatOfParseIsIdentityForEachRequest(String line) throws ProtocolException {
    assertThat(LineCodec.format(LineCodec.parseRequest(line))).isEqualTo(line);
  }

  /**
   * The round trip above covers every request type, and every type has a command of its own, as
   * {@link LineCodec#format(Request)} relies on: a new type without a row here fails this test.
   */
  @Test
  void roundTripCoversEveryRequestTypeAndEveryCommand() {
    List<Request> samples = requests().map(row -> (Request) row.get()[1]).toList();
    Set<Class<?>> types = samples.stream().map(Object::getClass).collect(Collectors.toSet());
    Map<Command, Set<Class<?>>> typesByCommand = samples.stream().collect(Collectors.groupingBy(
        Request::command, Collectors.mapping(Object::getClass, Collectors.toSet())));

    assertThat(types).containsExactlyInAnyOrder(Request.class.getPermittedSubclasses());
    assertThat(typesByCommand).containsOnlyKeys(Command.values());
    assertThat(typesByCommand.values()).allSatisfy(each -> assertThat(each).hasSize(1));
  }

  @ParameterizedTest
  @EnumSource(Reply.class)
  void formatOfParseIsIdentityForEachReply(Reply reply) throws ProtocolException {
    String text = LineCodec.format(reply);

    assertThat(LineCodec.parseReply(text)).isSameAs(reply);
    assertThat(LineCodec.format(LineCodec.parseReply(text))).isEqualTo(text);
  }

  @Test
  void formatsRepliesWithTheChapterWording() {
    assertThat(LineCodec.format(Reply.OK)).isEqualTo("OK");
    assertThat(LineCodec.format(Reply.PONG)).isEqualTo("pong");
    assertThat(LineCodec.format(Reply.BUSY)).isEqualTo("BUSY");
    assertThat(LineCodec.format(Reply.NO_RUNNERS)).isEqualTo("No runners are registered");
    assertThat(LineCodec.format(Reply.INVALID_COMMAND)).isEqualTo("Invalid command");
  }

  @Test
  void reportLengthCountsUtf8Bytes() throws ProtocolException {
    String report = "\u00e9\u2713\uD83D\uDE00";
    int bytes = report.getBytes(StandardCharsets.UTF_8).length;

    Results parsed = (Results) LineCodec.parseRequest("results:" + ID + ":" + bytes + ":" + report);

    assertThat(bytes).isEqualTo(9);
    assertThat(parsed.reportLength()).isEqualTo(9);
    assertThat(parsed.report()).isEqualTo(report);
  }

  @ParameterizedTest
  @MethodSource("terminatedLines")
  void acceptsOneTrailingTerminator(String line, Request expected) throws ProtocolException {
    assertThat(LineCodec.parseRequest(line)).isEqualTo(expected);
  }

  static Stream<Arguments> terminatedLines() {
    return Stream.of(
        Arguments.of("dispatch:" + ID + "\n", new Dispatch(COMMIT)),
        Arguments.of("dispatch:" + ID + "\r\n", new Dispatch(COMMIT)),
        Arguments.of("status\n", new Status()),
        Arguments.of("ping\r\n", new Ping()),
        Arguments.of("runtest:" + ID + "\n", new RunTest(COMMIT)),
        Arguments.of("register:localhost:8900\n",
            new Register(new HostAndPort("localhost", 8900))),
        // a terminator the sender added after the counted report is not part of it
        Arguments.of("results:" + ID + ":2:ok\n", new Results(COMMIT, "ok")),
        Arguments.of("results:" + ID + ":2:ok\r\n", new Results(COMMIT, "ok")),
        // ...but a counted newline is
        Arguments.of("results:" + ID + ":3:ok\n", new Results(COMMIT, "ok\n")));
  }

  @Test
  void lowerCasesCommitIds() throws ProtocolException {
    assertThat(LineCodec.parseRequest("dispatch:" + ID.toUpperCase()))
        .isEqualTo(new Dispatch(COMMIT));
  }

  static Stream<Arguments> badRequests() {
    String hex65 = "a".repeat(65);
    return Stream.of(
        Arguments.of("", "unknown command: ''"),
        Arguments.of("hello", "unknown command: 'hello'"),
        Arguments.of("STATUS", "unknown command: 'STATUS'"),
        Arguments.of("foo:bar", "unknown command: 'foo'"),
        Arguments.of("\u0000", "unknown command: '\\x00'"),
        Arguments.of("status:now", "status takes no arguments: 'status:now'"),
        Arguments.of("ping:", "ping takes no arguments: 'ping:'"),
        Arguments.of("dispatch", "dispatch needs arguments: 'dispatch'"),
        Arguments.of("runtest\n", "runtest needs arguments: 'runtest'"),
        Arguments.of("register", "register needs arguments: 'register'"),
        Arguments.of("results", "results needs arguments: 'results'"),
        Arguments.of("dispatch:" + ID + "\n\n",
            "not a full commit id (40 or 64 hex characters): '" + ID + "\\x0a'"),
        Arguments.of("dispatch:", "not a full commit id (40 or 64 hex characters): ''"),
        Arguments.of("dispatch:abc", "not a full commit id (40 or 64 hex characters): 'abc'"),
        Arguments.of("dispatch:aaaa", "not a full commit id (40 or 64 hex characters): 'aaaa'"),
        Arguments.of("dispatch:6b06cc31",
            "not a full commit id (40 or 64 hex characters): '6b06cc31'"),
        Arguments.of("runtest:" + ID.substring(1),
            "not a full commit id (40 or 64 hex characters): '" + ID.substring(1) + "'"),
        Arguments.of("dispatch:" + ID + "0",
            "not a full commit id (40 or 64 hex characters): '" + ID + "0'"),
        Arguments.of("results:6b06cc31:2:ok",
            "not a full commit id (40 or 64 hex characters): '6b06cc31'"),
        Arguments.of("runtest:" + hex65, "not a full commit id (40 or 64 hex characters): '" + hex65 + "'"),
        Arguments.of("dispatch:abcg", "not a full commit id (40 or 64 hex characters): 'abcg'"),
        Arguments.of("dispatch:../../x", "not a full commit id (40 or 64 hex characters): '../../x'"),
        Arguments.of("runtest:/etc/passwd", "not a full commit id (40 or 64 hex characters): '/etc/passwd'"),
        Arguments.of("dispatch:abcd\u0000", "not a full commit id (40 or 64 hex characters): 'abcd\\x00'"),
        Arguments.of("dispatch: abcd", "not a full commit id (40 or 64 hex characters): ' abcd'"),
        Arguments.of("register:localhost", "register needs <host>:<port>: 'localhost'"),
        Arguments.of("claim:" + ID, "claim needs <commit>:<host>:<port>: '" + ID + "'"),
        Arguments.of("claim:6b06cc31:localhost:8900",
            "not a full commit id (40 or 64 hex characters): '6b06cc31'"),
        Arguments.of("claim:" + ID + ":localhost", "register needs <host>:<port>: 'localhost'"),
        Arguments.of("claim:" + ID + ":../x:1", "not a host name or IPv4 address: '../x'"),
        Arguments.of("register:localhost:", "register port is not a number: ''"),
        Arguments.of("register:localhost:http", "register port is not a number: 'http'"),
        Arguments.of("register:localhost:123456", "register port is not a number: '123456'"),
        Arguments.of("register:localhost:-1", "register port is not a number: '-1'"),
        Arguments.of("register:localhost:\u0668\u0660",
            "register port is not a number: '\u0668\u0660'"),
        Arguments.of("register:localhost:0", "port out of range 1-65535: 0"),
        Arguments.of("register:localhost:65536", "port out of range 1-65535: 65536"),
        Arguments.of("register::8900", "not a host name or IPv4 address: ''"),
        Arguments.of("register:bad host:8900", "not a host name or IPv4 address: 'bad host'"),
        Arguments.of("register:../x:8900", "not a host name or IPv4 address: '../x'"),
        Arguments.of("register:a:b:8900", "not a host name or IPv4 address: 'a:b'"),
        Arguments.of("results:abcd", "results needs <commit>:<length>:<report>: 'results:abcd'"),
        Arguments.of("results:abcd:5",
            "results needs <commit>:<length>:<report>: 'results:abcd:5'"),
        // the header is parsed whole (length, then commit id) before the report is counted
        Arguments.of("results:" + ID + ":5:ok", "report is 2 bytes but its header says 5"),
        Arguments.of("results:" + ID + ":1:ok", "report is 2 bytes but its header says 1"),
        Arguments.of("results:" + ID + ":2:\u00e9\u00e9",
            "report is 4 bytes but its header says 2"),
        Arguments.of("results:abcd:5:ok",
            "not a full commit id (40 or 64 hex characters): 'abcd'"),
        Arguments.of("results:abcd:x:ok", "report length is not a number: 'x'"),
        Arguments.of("results:abcd::ok", "report length is not a number: ''"),
        Arguments.of("results:abcd:-1:", "report length is not a number: '-1'"),
        Arguments.of("results:abcd:\u0663:abc", "report length is not a number: '\u0663'"),
        Arguments.of("results:abcd:99999999999:", "report length is not a number: '99999999999'"),
        Arguments.of("results:abcd:4294967296:", "report length too large: 4294967296"),
        Arguments.of("results:../x:0:", "not a full commit id (40 or 64 hex characters): '../x'"));
  }

  @ParameterizedTest
  @MethodSource("badRequests")
  void rejectsBadRequestNamingTheProblem(String line, String message) {
    assertThatThrownBy(() -> LineCodec.parseRequest(line))
        .isInstanceOf(ProtocolException.class)
        .hasMessage(message);
  }

  @Test
  void shortensLongOffendingTextInErrors() {
    String line = "x".repeat(200);

    assertThatThrownBy(() -> LineCodec.parseRequest(line))
        .hasMessage("unknown command: '" + "x".repeat(80) + "...'");
  }

  @Test
  void acceptsReplyWithSurroundingWhitespace() throws ProtocolException {
    assertThat(LineCodec.parseReply("OK\n")).isEqualTo(Reply.OK);
    assertThat(LineCodec.parseReply("No runners are registered\r\n")).isEqualTo(Reply.NO_RUNNERS);
  }

  @Test
  void rejectsUnknownReply() {
    assertThatThrownBy(() -> LineCodec.parseReply("ok"))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("unexpected reply: 'ok'");
    assertThatThrownBy(() -> LineCodec.parseReply(""))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("unexpected reply: ''");
    assertThatThrownBy(() -> LineCodec.parseReply("Invalid command: status"))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("unexpected reply: 'Invalid command: status'");
  }

  @Test
  void refusesToBuildInvalidMessages() {
    assertThatThrownBy(() -> new CommitId("xyz"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a full commit id (40 or 64 hex characters): 'xyz'");
    assertThatThrownBy(() -> new Register(new HostAndPort("localhost", 0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port out of range 1-65535: 0");
    assertThatThrownBy(() -> new Register(new HostAndPort("bad host", 80)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a host name or IPv4 address: 'bad host'");
    assertThatThrownBy(() -> new Register(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new Claim(COMMIT, new HostAndPort("../x", 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a host name or IPv4 address: '../x'");
    assertThatThrownBy(() -> new Dispatch(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new Results(COMMIT, null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void abbreviatesCommitIdsForLogs() {
    assertThat(COMMIT.abbreviated()).isEqualTo("0123456789");
    assertThat(COMMIT).hasToString(ID);
  }

  @Test
  void hidesReportInResultsToString() {
    assertThat(new Results(COMMIT, "secret\nlog"))
        .hasToString("Results[commit=" + ID + ", reportLength=10]");
  }
}
