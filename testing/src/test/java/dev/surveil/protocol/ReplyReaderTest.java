package dev.surveil.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.surveil.testing.ScriptedInputStream.Afterwards;
import dev.surveil.testing.ScriptedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reading one reply from a byte stream: complete as soon as it is a reply, at a newline or at the
 * end of the stream; never waiting for a close. No sockets: streams are scripted, and a read
 * past what the test expects fails it.
 */
class ReplyReaderTest {
  private static final String PEER = "127.0.0.1:8900";

  @ParameterizedTest
  @EnumSource(Reply.class)
  void completesEachReplyWithoutWaitingForTheClose(Reply reply) throws IOException {
    var in = new ScriptedInputStream().send(reply.text()).afterwards(Afterwards.FAIL);

    assertThat(ReplyReader.read(in, PEER)).isSameAs(reply);
  }

  @ParameterizedTest
  @EnumSource(Reply.class)
  void completesEachReplySentOneBytePerRead(Reply reply) throws IOException {
    var in = new ScriptedInputStream().send(reply.text()).chunksOf(1)
        .afterwards(Afterwards.FAIL);

    assertThat(ReplyReader.read(in, PEER)).isSameAs(reply);
    assertThat(in.consumed()).isEqualTo(reply.text().length());
  }

  @ParameterizedTest
  @ValueSource(strings = {"OK\n", "OK\r\n"})
  void takesTheLineBeforeANewline(String sent) throws IOException {
    var in = new ScriptedInputStream().send(sent).afterwards(Afterwards.FAIL);

    assertThat(ReplyReader.read(in, PEER)).isSameAs(Reply.OK);
  }

  @Test
  void joinsAReplySplitOverReads() throws IOException {
    var in = new ScriptedInputStream().send("No runners").send(" are registered")
        .afterwards(Afterwards.FAIL);

    assertThat(ReplyReader.read(in, PEER)).isSameAs(Reply.NO_RUNNERS);
  }

  static Stream<Arguments> noReplies() {
    return Stream.of(
        // bytes that cannot begin a reply are refused at their first read
        Arguments.of("HTTP/1.1 400 Bad Request\r\n", "HTTP"),
        Arguments.of("OKAY", "OKAY"), // a reply with more after it
        Arguments.of("Invalid\n", "Invalid")); // a line that is no reply
  }

  @ParameterizedTest
  @MethodSource("noReplies")
  void refusesBytesThatAreNoReply(String sent, String refused) {
    var in = new ScriptedInputStream().send(sent).chunksOf(4).afterwards(Afterwards.FAIL);

    assertThatThrownBy(() -> ReplyReader.read(in, PEER))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("unexpected reply: '" + refused + "'");
  }

  @Test
  void refusesAReplyCutShortByTheClose() {
    var in = new ScriptedInputStream().send("Invalid comm").end();

    assertThatThrownBy(() -> ReplyReader.read(in, PEER))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("unexpected reply: 'Invalid comm'");
  }

  @Test
  void reportsACloseWithoutAReply() {
    var in = new ScriptedInputStream().end();

    assertThatThrownBy(() -> ReplyReader.read(in, PEER))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("connection closed by " + PEER + " without a reply");
  }

  @Test
  void reportsAResetWithoutAReplyAsAProtocolProblem() {
    InputStream in = resetAfter("");

    assertThatThrownBy(() -> ReplyReader.read(in, PEER))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("connection reset by " + PEER + " without a reply (Connection reset)");
  }

  @Test
  void takesWhatArrivedBeforeAReset() throws IOException {
    assertThat(ReplyReader.read(resetAfter("pong"), PEER)).isSameAs(Reply.PONG);
  }

  @Test
  void passesOnAReadTimeout() {
    var in = new ScriptedInputStream().send("O").quiet();

    assertThatThrownBy(() -> ReplyReader.read(in, PEER))
        .isInstanceOf(SocketTimeoutException.class);
  }

  /** A stream that returns {@code text} (if any) and then fails as a reset socket does. */
  private static InputStream resetAfter(String text) {
    return new InputStream() {
      private boolean sent = text.isEmpty();

      @Override
      public int read() {
        throw new UnsupportedOperationException();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (sent) {
          throw new SocketException("Connection reset");
        }
        sent = true;
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        System.arraycopy(bytes, 0, b, off, bytes.length);
        return bytes.length;
      }
    };
  }
}
