package dev.surveil.protocol;

import static dev.surveil.protocol.LineCodecTest.COMMIT;
import static dev.surveil.protocol.LineCodecTest.ID;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** How messages are framed as bytes: which ones get a terminator. */
class MessageWriterTest {

  @Test
  void terminatesLineRequestsWithNewline() {
    assertThat(text(new Status())).isEqualTo("status\n");
    assertThat(text(new Ping())).isEqualTo("ping\n");
    assertThat(text(new Dispatch(COMMIT))).isEqualTo("dispatch:" + ID + "\n");
    assertThat(text(new RunTest(COMMIT))).isEqualTo("runtest:" + ID + "\n");
    assertThat(text(new Register(new HostAndPort("localhost", 8900))))
        .isEqualTo("register:localhost:8900\n");
  }

  @Test
  void sendsResultsFramedOnlyByLength() {
    assertThat(MessageWriter.encode(new Results(COMMIT, "\u00e9\n")))
        .isEqualTo(("results:" + ID + ":3:\u00e9\n").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void sendsRepliesWithoutTerminator() {
    for (Reply reply : Reply.values()) {
      assertThat(text(reply)).isEqualTo(reply.text());
    }
  }

  @Test
  void writesAndFlushesEncodedBytes() throws IOException {
    var out = new ByteArrayOutputStream();

    MessageWriter.write(out, Reply.NO_RUNNERS);

    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("No runners are registered");
  }

  @Test
  void sendsAnAuthenticatedReplyAfterItsAuthLine() {
    String mac = "ab".repeat(32);

    assertThat(new String(MessageWriter.encode(mac, Reply.OK), StandardCharsets.UTF_8))
        .isEqualTo("auth:" + mac + "\nOK");
  }

  @Test
  void framesOnlyResultsByLength() {
    assertThat(MessageWriter.isFramedByLength(new Results(COMMIT, "x"))).isTrue();
    assertThat(MessageWriter.isFramedByLength(new Dispatch(COMMIT))).isFalse();
  }

  private static String text(Request request) {
    return new String(MessageWriter.encode(request), StandardCharsets.UTF_8);
  }

  private static String text(Reply reply) {
    return new String(MessageWriter.encode(reply), StandardCharsets.UTF_8);
  }
}
