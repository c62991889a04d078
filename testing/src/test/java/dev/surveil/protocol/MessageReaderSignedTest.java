package dev.surveil.protocol;

import static dev.surveil.auth.AuthSchemeTest.EXAMPLE_MILLIS;
import static dev.surveil.auth.AuthSchemeTest.EXAMPLE_SECRET;
import static dev.surveil.protocol.LineCodecTest.COMMIT;
import static dev.surveil.protocol.LineCodecTest.ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.surveil.auth.RequestSigner;
import dev.surveil.testing.FakeTicker;
import dev.surveil.testing.ScriptedInputStream.Afterwards;
import dev.surveil.testing.ScriptedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link MessageReader#readSignedRequest()}: the auth line, then the request, from scripts. */
class MessageReaderSignedTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final String NONCE = "00112233445566778899aabbccddeeff";

  private final FakeTicker ticker = new FakeTicker();
  private final RequestSigner signer = new RequestSigner(EXAMPLE_SECRET);

  static Stream<Arguments> requests() {
    return LineCodecTest.requests();
  }

  @ParameterizedTest
  @MethodSource("requests")
  void readsAuthLineAndEachRequestSentOneBytePerRead(String line, Request request)
      throws IOException {
    AuthLine auth = signer.sign(request, EXAMPLE_MILLIS, NONCE);
    // A report is complete only once nothing follows it for a quiet period
    var in = new ScriptedInputStream().send(MessageWriter.encode(auth, request)).chunksOf(1)
        .afterwards(request instanceof Results ? Afterwards.QUIET : Afterwards.FAIL);

    assertThat(read(in)).isEqualTo(new SignedRequest(auth, request));
  }

  @Test
  void readsUnterminatedRequestAfterAuthLineOnceQuiet() throws IOException {
    AuthLine auth = signer.sign(new Dispatch(COMMIT), EXAMPLE_MILLIS, NONCE);
    var in = new ScriptedInputStream().send(LineCodec.format(auth) + "\r\ndispatch:" + ID)
        .afterwards(Afterwards.QUIET);

    assertThat(read(in)).isEqualTo(new SignedRequest(auth, new Dispatch(COMMIT)));
  }

  @Test
  void readsAnAuthLineSplitOverReads() throws IOException {
    AuthLine auth = signer.sign(new Status(), EXAMPLE_MILLIS, NONCE);
    String line = LineCodec.format(auth);
    var in = new ScriptedInputStream().send(line).send("\nstatus")
        .afterwards(Afterwards.FAIL);

    assertThat(read(in)).isEqualTo(new SignedRequest(auth, new Status()));
  }

  @Test
  void refusesAnAuthLineCutShortByAQuietPeriod() {
    AuthLine auth = signer.sign(new Status(), EXAMPLE_MILLIS, NONCE);
    String line = LineCodec.format(auth);
    var in = new ScriptedInputStream().send(line).quiet().send("\nstatus")
        .afterwards(Afterwards.FAIL);

    assertThatThrownBy(() -> read(in))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageStartingWith("the auth line stopped before its end: 'auth:1700000000000:");
  }

  @Test
  void refusesRequestWithoutAuthLineAtItsFirstByte() {
    var in = new ScriptedInputStream().send("s").send("tatus\n").afterwards(Afterwards.FAIL);

    assertThatThrownBy(() -> read(in))
        .isInstanceOf(AuthenticationException.class)
        .hasMessage("no auth line before the request: 's'");
    assertThat(in.consumed()).isEqualTo(1);
  }

  @Test
  void refusesMalformedAuthLine() {
    var in = new ScriptedInputStream().send("auth:12:34:56\nstatus\n")
        .afterwards(Afterwards.FAIL);

    assertThatThrownBy(() -> read(in))
        .isInstanceOf(AuthenticationException.class)
        .hasMessage("auth nonce is not 32 lower-case hex digits: '34'");
  }

  @Test
  void refusesAuthLineLongerThanAnyValidOneHavingReadLittleMore() {
    var in = new ScriptedInputStream().send("auth:" + "1".repeat(4096)).chunksOf(16)
        .afterwards(Afterwards.FAIL);

    assertThatThrownBy(() -> read(in))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageStartingWith("auth line longer than 120 bytes: 'auth:111");
    assertThat(in.consumed()).isLessThanOrEqualTo(128);
  }

  @Test
  void refusesABadRequestAfterTheAuthLineAsAProtocolError() {
    String auth = LineCodec.format(signer.sign(new Status(), EXAMPLE_MILLIS, NONCE)) + "\n";
    String request = "dispatch:" + "a".repeat(1024 - auth.length() - 9 + 1);
    var in = new ScriptedInputStream().send(auth + request).afterwards(Afterwards.FAIL);

    assertThatThrownBy(() -> read(in))
        .isInstanceOf(ProtocolException.class)
        .isNotInstanceOf(AuthenticationException.class)
        .hasMessageStartingWith("not a full commit id (40 or 64 hex characters): 'aaaa");
  }

  @Test
  void refusesUnparsableRequestAfterAValidAuthLineAsAProtocolError() {
    String auth = LineCodec.format(signer.sign(new Status(), EXAMPLE_MILLIS, NONCE)) + "\n";
    var in = new ScriptedInputStream().send(auth + "hello\n").afterwards(Afterwards.FAIL);

    assertThatThrownBy(() -> read(in))
        .isInstanceOf(ProtocolException.class)
        .isNotInstanceOf(AuthenticationException.class)
        .hasMessage("unknown command: 'hello'");
  }

  @Test
  void reportsStreamEndingInsideOrRightAfterTheAuthLine() {
    String auth = LineCodec.format(signer.sign(new Status(), EXAMPLE_MILLIS, NONCE));

    assertThatThrownBy(() -> read(new ScriptedInputStream().send(auth.substring(0, 40))))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageStartingWith("connection closed inside the auth line: 'auth:");
    assertThatThrownBy(() -> read(new ScriptedInputStream().send(auth + "\n")))
        .isInstanceOf(ProtocolException.class)
        .isNotInstanceOf(AuthenticationException.class)
        .hasMessage("connection closed after the auth line, before the request");
    assertThatThrownBy(() -> read(new ScriptedInputStream()))
        .isInstanceOf(EOFException.class);
  }

  @Test
  void cutsOffPeerThatNeverFinishesTheAuthLine() {
    var in = new ScriptedInputStream().send("auth:1").afterwards(Afterwards.QUIET)
        .onQuiet(() -> ticker.advance(Duration.ofMillis(50)));

    assertThatThrownBy(() -> read(in))
        .isInstanceOf(AuthenticationException.class)
        .hasMessage("the auth line stopped before its end: 'auth:1'");
  }

  @Test
  void refusesASecondRead() throws IOException {
    AuthLine auth = signer.sign(new Ping(), EXAMPLE_MILLIS, NONCE);
    var reader = new MessageReader(new ScriptedInputStream().send(
        MessageWriter.encode(auth, new Ping())), Limits.DEFAULT, ticker, TIMEOUT);
    reader.readSignedRequest();

    assertThatThrownBy(reader::readSignedRequest).isInstanceOf(IllegalStateException.class);
  }

  private SignedRequest read(ScriptedInputStream in) throws IOException {
    return new MessageReader(in, Limits.DEFAULT, ticker, TIMEOUT).readSignedRequest();
  }
}
