package dev.surveil.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.surveil.auth.ReplyAuth;
import dev.surveil.auth.RequestSigner;
import dev.surveil.auth.Secret;
import dev.surveil.auth.UnauthenticatedReplyException;
import dev.surveil.protocol.AuthLine;
import dev.surveil.protocol.ProtocolException;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.ReplyReader;
import dev.surveil.protocol.Status;
import dev.surveil.testing.ScriptedInputStream.Afterwards;
import dev.surveil.testing.ScriptedInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Replies to authenticated requests carry a MAC bound to the request: a client with the secret
 * takes a reply without the right MAC as no reply. No sockets: streams are scripted.
 */
class ReplyAuthTest {
  private static final Secret SECRET = Secret.of("example-secret-do-not-use");
  private static final String NONCE = "00112233445566778899aabbccddeeff";
  private static final String PEER = "127.0.0.1:8888";
  private static final RequestSigner SIGNER = new RequestSigner(SECRET);
  private static final AuthLine SENT =
      SIGNER.sign(new Status(), 1_700_000_000_000L, NONCE);
  /** HMAC-SHA256 of {@code reply:00112233445566778899aabbccddeeff:OK}, from docs/protocol.md. */
  static final String OK_MAC =
      "3a0c24906c5f0caba7a8a570359f3feb65b07dab4cba1200ac06c00dc5552678";

  private static ScriptedInputStream stream(String sent) {
    return new ScriptedInputStream().send(sent).afterwards(Afterwards.END);
  }

  private static String signed(Reply reply) {
    byte[] bytes = ReplyAuth.encode(SECRET, SENT, reply);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @EnumSource(Reply.class)
  void acceptsEachReplySignedForItsRequestEvenOneBytePerRead(Reply reply) throws IOException {
    var in = new ScriptedInputStream().send(signed(reply)).chunksOf(1)
        .afterwards(Afterwards.FAIL);

    assertThat(ReplyReader.read(in, PEER, SIGNER.expectedReply(SENT))).isSameAs(reply);
  }

  @Test
  void aSignedReplyIsItsAuthLineThenTheReplyText() {
    assertThat(signed(Reply.OK)).matches("auth:[0-9a-f]{64}\nOK");
    assertThat(ReplyAuth.input(NONCE, Reply.OK))
        .isEqualTo("reply:00112233445566778899aabbccddeeff:OK");
  }

  @ParameterizedTest
  @EnumSource(value = Reply.class, names = {"OK", "PONG", "BUSY", "NO_RUNNERS", "NOT_ASSIGNED"})
  void takesAnUnsignedReplyAsNoReply(Reply reply) {
    assertThatThrownBy(() -> ReplyReader.read(stream(reply.text()), PEER,
        SIGNER.expectedReply(SENT)))
        .isExactlyInstanceOf(UnauthenticatedReplyException.class)
        .hasMessage("reply '" + reply.text() + "' from " + PEER
            + " is not authenticated; taken as no reply");
  }

  @ParameterizedTest
  @EnumSource(value = Reply.class, names = {"UNAUTHORIZED", "INVALID_COMMAND"})
  void takesAnUnsignedRefusalAsItIs(Reply reply) throws IOException {
    assertThat(ReplyReader.read(stream(reply.text()), PEER, SIGNER.expectedReply(SENT)))
        .isSameAs(reply);
  }

  @Test
  void takesAReplySignedForAnotherRequestOrWithAnotherSecretOrChangedAsNoReply() {
    AuthLine other = SIGNER.sign(new Status(), 1_700_000_000_000L,
        "ffeeddccbbaa99887766554433221100");
    String forOther = new String(ReplyAuth.encode(SECRET, other, Reply.OK),
        StandardCharsets.UTF_8);
    String otherSecret = new String(ReplyAuth.encode(Secret.of("a-guess-at-the-secret"), SENT,
        Reply.OK), StandardCharsets.UTF_8);
    String changed = signed(Reply.BUSY).replace("BUSY", "pong");

    for (String sent : new String[] {forOther, otherSecret, changed}) {
      assertThatThrownBy(() -> ReplyReader.read(stream(sent), PEER, SIGNER.expectedReply(SENT)))
          .as(sent)
          .isExactlyInstanceOf(UnauthenticatedReplyException.class)
          .hasMessageEndingWith("has a wrong MAC (another secret, or not the server's); taken as"
              + " no reply");
    }
  }

  @Test
  void refusesAMalformedAuthLineAndOneWithoutAReply() {
    assertThatThrownBy(() -> ReplyReader.read(stream("auth:xyz\nOK"), PEER,
        SIGNER.expectedReply(SENT)))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("malformed reply auth line: 'auth:xyz'");
    assertThatThrownBy(() -> ReplyReader.read(stream("auth:" + "a".repeat(70)), PEER,
        SIGNER.expectedReply(SENT)))
        .isInstanceOf(ProtocolException.class)
        .hasMessageStartingWith("reply auth line from " + PEER + " too long");
    assertThatThrownBy(() -> ReplyReader.read(stream("auth:" + "a".repeat(64) + "\n"), PEER,
        SIGNER.expectedReply(SENT)))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("connection closed by " + PEER + " without a reply");
  }

  @Test
  void aClientWithoutASecretRefusesASignedReply() {
    assertThatThrownBy(() -> ReplyReader.read(stream(signed(Reply.OK)), PEER))
        .isInstanceOf(ProtocolException.class)
        .hasMessageStartingWith("unexpected reply: 'auth:");
  }

  @Test
  void theWorkedExampleOfTheProtocolDocument() {
    assertThat(signed(Reply.OK)).isEqualTo("auth:" + OK_MAC + "\nOK");
  }
}
