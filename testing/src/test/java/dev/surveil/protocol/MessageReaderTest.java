package dev.surveil.protocol;

import static dev.surveil.protocol.LineCodecTest.COMMIT;
import static dev.surveil.protocol.LineCodecTest.ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.surveil.testing.FakeTicker;
import dev.surveil.testing.ScriptedInputStream.Afterwards;
import dev.surveil.testing.ScriptedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reading one request from a byte stream however it is split into reads, with the stream's
 * quiet periods, its end, the size limits and the deadline. No sockets: streams are scripted and
 * time is a {@link FakeTicker}.
 */
class MessageReaderTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final FakeTicker ticker = new FakeTicker();

  static Stream<Arguments> requests() {
    return LineCodecTest.requests();
  }

  @ParameterizedTest
  @MethodSource("requests")
  void readsEachRequestSentOneBytePerRead(String line, Request request) throws IOException {
    var in = new ScriptedInputStream().send(MessageWriter.encode(request)).chunksOf(1);

    assertThat(read(in)).isEqualTo(request);
  }

  @ParameterizedTest
  @MethodSource("requests")
  void readsEachUnterminatedRequestSentOneBytePerRead(String line, Request request)
      throws IOException {
    var in = new ScriptedInputStream().send(line).chunksOf(1).afterwards(Afterwards.QUIET);

    assertThat(read(in)).isEqualTo(request);
    assertThat(in.consumed()).isEqualTo(line.getBytes(StandardCharsets.UTF_8).length);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 64})
  void readsResultsReportWithNewlinesSplitAcrossReads(int chunk) throws IOException {
    String report = "PassingTest ok\nFailingTest: FAILED: 1 + 1 should be 3\n\n"
        + "caf\u00e9 \u2713\r\nend\n";
    Results results = new Results(COMMIT, report);
    var in = new ScriptedInputStream().send(MessageWriter.encode(results)).chunksOf(chunk)
        .afterwards(Afterwards.QUIET);

    assertThat(read(in)).isEqualTo(results);
    assertThat(in.quietReads()).as("waits one quiet period for bytes past the length")
        .isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"status", "ping", "notify"})
  void completesUnterminatedKeywordAtOnce(String keyword) throws IOException {
    var in = new ScriptedInputStream().send(keyword).afterwards(Afterwards.FAIL);

    assertThat(read(in).command().token()).isEqualTo(keyword);
  }

  @ParameterizedTest
  @ValueSource(strings = {"dispatch:", "runtest:"})
  void completesUnterminatedCommandWithFullLengthIdAtOnce(String command) throws IOException {
    var in = new ScriptedInputStream().send(command + ID).afterwards(Afterwards.FAIL);

    assertThat(read(in).command().token() + ":").isEqualTo(command);
  }

  @Test
  void completesUnterminatedRegisterWhosePortCannotGrowAtOnce() throws IOException {
    var in = new ScriptedInputStream().send("register:localhost:8900")
        .afterwards(Afterwards.FAIL);

    assertThat(read(in)).isEqualTo(new Register(new HostAndPort("localhost", 8900)));
  }

  @Test
  void readsBytesAlreadyWaitingBeforeCompletingAFullLengthId() throws IOException {
    String sha256 = "f".repeat(64);
    var in = new ScriptedInputStream().send("runtest:" + sha256).chunksOf(8)
        .afterwards(Afterwards.FAIL);

    assertThat(read(in)).isEqualTo(new RunTest(new CommitId(sha256)));
  }

  @Test
  void refusesUnterminatedAbbreviatedIdAfterQuietPeriod() {
    var in = new ScriptedInputStream().send("dispatch:6b06cc31").afterwards(Afterwards.QUIET);

    assertThatThrownBy(() -> read(in))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("incomplete request, and the peer sent nothing more: 'dispatch:6b06cc31'");
    assertThat(in.quietReads()).isEqualTo(1);
  }

  @Test
  void completesRegisterWhosePortCouldGrowAfterQuietPeriod() throws IOException {
    var in = new ScriptedInputStream().send("register:localhost:1234")
        .afterwards(Afterwards.QUIET);

    assertThat(read(in)).isEqualTo(new Register(new HostAndPort("localhost", 1234)));
    assertThat(in.quietReads()).isEqualTo(1);
  }

  @Test
  void refusesIncompleteRequestAtTheFirstQuietPeriod() {
    var in = new ScriptedInputStream().send("disp").quiet().send("atch:" + ID)
        .afterwards(Afterwards.FAIL);

    assertThatThrownBy(() -> read(in))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("incomplete request, and the peer sent nothing more: 'disp'");
    assertThat(in.quietReads()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"status:now", "dispatch:not-a-commit", "register:localhost:8900x",
      "runtest:" + ID + "0123456789abcdef0123456789"})
  void refusesKnownKeywordWithArgumentsThatCannotBecomeValidAtOnce(String text) {
    var in = new ScriptedInputStream().send(text).afterwards(Afterwards.FAIL);

    assertThatThrownBy(() -> read(in)).isInstanceOf(ProtocolException.class);
  }

  @Test
  void doesNotCompleteResultsOnQuietPeriod() throws IOException {
    var in = new ScriptedInputStream().send("results:" + ID + ":5:ab").quiet().send("cde")
        .afterwards(Afterwards.QUIET);

    assertThat(read(in)).isEqualTo(new Results(COMMIT, "abcde"));
    assertThat(in.quietReads()).isEqualTo(2);
  }

  @Test
  void refusesResultsLongerThanTheirDeclaredLength() {
    var in = new ScriptedInputStream().send("results:" + ID + ":3:abcdefghijkl")
        .afterwards(Afterwards.FAIL);

    assertThatThrownBy(() -> read(in))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("report longer than its declared 3 bytes: 'defghijkl' follows it");
  }

  @Test
  void refusesExtraBytesArrivingWithinTheQuietPeriodAfterTheReport() {
    // A peer that writes once and holds the connection: the rest may come in the next read.
    var in = new ScriptedInputStream().send("results:" + ID + ":3:abc").send("def")
        .afterwards(Afterwards.FAIL);

    assertThatThrownBy(() -> read(in))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("report longer than its declared 3 bytes: 'def' follows it");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\n", "\r\n", "\nX", "\r\r"})
  void refusesAnythingButOneTerminatorAfterTheReport(String after) {
    var in = new ScriptedInputStream().send("results:" + ID + ":3:abc" + after).send("Y")
        .afterwards(Afterwards.FAIL);

    if (after.endsWith("\n")) {
      assertThatCode(() -> assertThat(read(in)).isEqualTo(new Results(COMMIT, "abc")))
          .doesNotThrowAnyException();
    } else {
      assertThatThrownBy(() -> read(in)).isInstanceOf(ProtocolException.class)
          .hasMessageStartingWith("report longer than its declared 3 bytes:");
    }
  }

  @Test
  void acceptsResultsWithCrLfSplitBetweenReads() throws IOException {
    var in = new ScriptedInputStream().send("results:" + ID + ":3:abc\r").send("\n")
        .afterwards(Afterwards.FAIL);

    assertThat(read(in)).isEqualTo(new Results(COMMIT, "abc"));
  }

  @Test
  void completesUnterminatedResultsAtTheEndOfTheStream() throws IOException {
    var in = new ScriptedInputStream().send("results:" + ID + ":3:abc").end();

    assertThat(read(in)).isEqualTo(new Results(COMMIT, "abc"));
    assertThat(in.quietReads()).isZero();
  }

  @Test
  void completesResultsWhenTheDeadlinePassesRightAfterTheReport() throws IOException {
    var in = new ScriptedInputStream().send("results:" + ID + ":3:abc")
        .onData(() -> ticker.advance(TIMEOUT)).afterwards(Afterwards.FAIL);

    assertThat(read(in)).isEqualTo(new Results(COMMIT, "abc"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"\n", "\r\n"})
  void acceptsDispatchWithTerminator(String terminator) throws IOException {
    var in = new ScriptedInputStream().send("dispatch:" + ID + terminator).chunksOf(1)
        .afterwards(Afterwards.FAIL);

    assertThat(read(in)).isEqualTo(new Dispatch(COMMIT));
  }

  @Test
  void acceptsCrLfSplitBetweenReads() throws IOException {
    var in = new ScriptedInputStream().send("status\r").send("\n").afterwards(Afterwards.FAIL);

    assertThat(read(in)).isEqualTo(new Status());
  }

  @Test
  void stalledPeerIsRefusedAtTheFirstQuietPeriod() {
    var in = new ScriptedInputStream().send("dis").afterwards(Afterwards.QUIET)
        .onQuiet(() -> ticker.advance(Duration.ofMillis(50)));

    assertThatThrownBy(() -> read(in))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("incomplete request, and the peer sent nothing more: 'dis'");
    assertThat(in.quietReads()).isEqualTo(1);
  }

  @Test
  void silentPeerHitsTheDeadline() {
    var in = new ScriptedInputStream().afterwards(Afterwards.QUIET)
        .onQuiet(() -> ticker.advance(Duration.ofMillis(2500)));

    assertThatThrownBy(() -> read(in))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("no complete request within 10000 ms after 0 bytes");
    assertThat(in.quietReads()).isEqualTo(4);
  }

  @Test
  void peerStalledInsideReportHitsTheDeadline() {
    String header = "results:" + ID + ":10:";
    var in = new ScriptedInputStream().send(header + "abc")
        .afterwards(Afterwards.QUIET).onQuiet(() -> ticker.advance(Duration.ofSeconds(5)));

    assertThatThrownBy(() -> read(in))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("no complete request within 10000 ms after " + (header.length() + 3)
            + " bytes: '" + header + "'");
  }

  @Test
  void peerTricklingBytesHitsTheDeadline() {
    var in = new ScriptedInputStream().send("results:" + ID + ":1000:" + "x".repeat(1000))
        .chunksOf(1).afterwards(Afterwards.FAIL)
        .onData(() -> ticker.advance(Duration.ofSeconds(1)));

    assertThatThrownBy(() -> read(in))
        .isInstanceOf(ProtocolException.class)
        .hasMessageStartingWith("no complete request within 10000 ms after ");
    assertThat(in.consumed()).isBetween(10L, 11L);
  }

  @Test
  void reportsEndOfStreamBeforeAnyByte() {
    var in = new ScriptedInputStream().end();

    assertThatThrownBy(() -> read(in))
        .isInstanceOf(EOFException.class)
        .hasMessage("connection closed before a request arrived");
  }

  @Test
  void refusesEndOfStreamInsideReport() {
    var in = new ScriptedInputStream().send("results:" + ID + ":10:").send("abc").end();

    assertThatThrownBy(() -> read(in))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("connection closed after 3 of 10 report bytes");
  }

  @Test
  void refusesEndOfStreamInsideResultsHeader() {
    var in = new ScriptedInputStream().send("results:" + ID + ":1").end();

    assertThatThrownBy(() -> read(in))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("connection closed inside the results header: 'results:" + ID + ":1'");
  }

  @Test
  void completesUnterminatedRequestAtEndOfStream() throws IOException {
    var in = new ScriptedInputStream().send("runtest:" + ID).end();

    assertThat(read(in)).isEqualTo(new RunTest(COMMIT));
  }

  @Test
  void refusesTruncatedKeywordAtEndOfStream() {
    var in = new ScriptedInputStream().send("stat").end();

    assertThatThrownBy(() -> read(in))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("unknown command: 'stat'");
  }

  @Test
  void refusesUnknownKeywordFromItsFirstByte() {
    var in = new ScriptedInputStream().send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").chunksOf(1)
        .afterwards(Afterwards.FAIL);

    assertThatThrownBy(() -> read(in))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("unknown command: 'G'");
    assertThat(in.consumed()).isEqualTo(1);
  }

  @Test
  void refusesBinaryGarbage() {
    byte[] garbage = new byte[4096];
    for (int i = 0; i < garbage.length; i++) {
      garbage[i] = (byte) (i * 31 + 7);
    }
    var in = new ScriptedInputStream().send(garbage).afterwards(Afterwards.FAIL);

    assertThatThrownBy(() -> read(in))
        .isInstanceOf(ProtocolException.class)
        .hasMessageStartingWith("unknown command: '");
    assertThat(in.consumed()).isLessThanOrEqualTo(Limits.DEFAULT.maxLineBytes());
  }

  @Test
  void refusesKnownKeywordWithBadArguments() {
    var in = new ScriptedInputStream().send("status:now\n").afterwards(Afterwards.FAIL);

    assertThatThrownBy(() -> read(in))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("status takes no arguments: 'status:now'");
  }

  @Test
  void refusesNonHexCommitInResultsHeader() {
    var in = new ScriptedInputStream().send("results:../../x:3:abc").afterwards(Afterwards.FAIL);

    assertThatThrownBy(() -> read(in))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("not a full commit id (40 or 64 hex characters): '../../x'");
  }

  private Request read(ScriptedInputStream in) throws IOException {
    return new MessageReader(in, Limits.DEFAULT, ticker, TIMEOUT).readRequest();
  }
}
