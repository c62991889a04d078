package dev.surveil.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Dispatch;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Ping;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Request;
import dev.surveil.protocol.RunTest;
import dev.surveil.protocol.Status;
import dev.surveil.testing.ChapterServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link LineClient} against a {@link ChapterServer} that replies as the chapter's handlers do:
 * the reply without a terminator, then the connection held open while the handler works on (the
 * chapter's runner tests a commit inside its {@code runtest} handler). The client must take the
 * reply as soon as it is complete, not wait for the end of the stream.
 */
class LineClientChapterServerTest {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
  private static final CommitId COMMIT = new CommitId("0123456789abcdef0123456789abcdef01234567");

  private final LineClient client = new LineClient(Duration.ofSeconds(2), READ_TIMEOUT);
  private final CountDownLatch workDone = new CountDownLatch(1);
  private ChapterServer server;

  @AfterEach
  void close() {
    workDone.countDown();
    if (server != null) {
      server.close();
    }
  }

  static Stream<Arguments> replies() {
    return Stream.of(Arguments.of(new Status(), Reply.OK), Arguments.of(new Ping(), Reply.PONG),
        Arguments.of(new RunTest(COMMIT), Reply.OK), Arguments.of(new RunTest(COMMIT), Reply.BUSY),
        Arguments.of(new Dispatch(COMMIT), Reply.NO_RUNNERS),
        Arguments.of(new Status(), Reply.INVALID_COMMAND));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("replies")
  void takesAReplyAtOnceFromAServerThatHoldsTheConnectionOpen(Request request, Reply reply)
      throws Exception {
    server = ChapterServer.start("chapter-peer",
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), exchange -> {
          exchange.reply(reply.text());
          workDone.await(1, TimeUnit.MINUTES);
        });
    HostAndPort address = new HostAndPort("127.0.0.1", server.localAddress().getPort());

    long start = System.nanoTime();
    Reply received = client.send(address, request);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(received).isEqualTo(reply);
    assertThat(took).as("well under the read timeout").isLessThan(READ_TIMEOUT.dividedBy(2));
    assertThat(server.exchanges()).singleElement()
        .satisfies(exchange -> assertThat(exchange.isClosed()).as("still held").isFalse());
  }
}
