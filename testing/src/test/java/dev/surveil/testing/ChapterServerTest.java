package dev.surveil.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.surveil.protocol.HostAndPort;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link ChapterServer} and {@link ChapterClient} over loopback sockets. */
class ChapterServerTest {
  private final BlockingQueue<String> seen = new LinkedBlockingQueue<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private ChapterServer server;

  @AfterEach
  void close() {
    release.countDown();
    if (server != null) {
      server.close();
    }
  }

  private HostAndPort start(ChapterServer.Handler handler) throws IOException {
    server = ChapterServer.start("test-chapter",
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), handler);
    return new HostAndPort("127.0.0.1", server.localAddress().getPort());
  }

  /** Replies {@code OK}, then works until {@link #release} opens (at most 30 s). */
  private void replyAndWork(ChapterExchange exchange) throws IOException, InterruptedException {
    seen.add(exchange.text());
    exchange.reply("OK");
    release.await(30, TimeUnit.SECONDS);
  }

  private static Socket connect(HostAndPort address, String request) throws IOException {
    Socket socket = new Socket(address.host(), address.port());
    socket.setSoTimeout(5_000);
    socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
    return socket;
  }

  private static String readSome(InputStream in) throws IOException {
    byte[] buffer = new byte[1024];
    int n = in.read(buffer);
    return n < 0 ? null : new String(buffer, 0, n, StandardCharsets.UTF_8);
  }

  @Test
  void repliesWithoutTerminatorAndHoldsTheConnectionWhileTheHandlerWorks() throws Exception {
    HostAndPort address = start(this::replyAndWork);
    try (Socket socket = connect(address, "status")) {
      assertThat(readSome(socket.getInputStream())).isEqualTo("OK");
      socket.setSoTimeout(300);
      assertThatThrownBy(() -> socket.getInputStream().read())
          .as("nothing more while the handler works").isInstanceOf(SocketTimeoutException.class);
      assertThat(server.exchanges()).singleElement()
          .satisfies(exchange -> assertThat(exchange.isClosed()).isFalse());

      release.countDown();

      socket.setSoTimeout(5_000);
      assertThat(socket.getInputStream().read()).as("end of stream").isEqualTo(-1);
      assertThat(server.exchanges().get(0).awaitClosed(Duration.ofSeconds(5))).isTrue();
    }
  }

  @Test
  void handlerSeesOneReadStrippedAsPythonStripsIt() throws Exception {
    HostAndPort address = start(exchange -> {
      seen.add(exchange.text());
      exchange.reply("OK");
    });

    assertThat(ChapterClient.communicate(address, " \tregister:localhost:8900\r\n"))
        .isEqualTo("OK");

    assertThat(seen.poll(5, TimeUnit.SECONDS)).isEqualTo("register:localhost:8900");
    assertThat(server.exchanges()).singleElement()
        .satisfies(exchange -> assertThat(exchange.command()).isEqualTo("register"));
  }

  @Test
  void handlerThatRaisesClosesTheConnectionWithoutAReply() throws Exception {
    HostAndPort address = start(exchange -> {
      throw new ChapterDispatcher.KeyError("abc");
    });

    assertThat(ChapterClient.communicate(address, "results:abc:2:hi")).isEmpty();

    assertThat(server.exchanges()).singleElement().satisfies(exchange -> {
      assertThat(exchange.replied()).isEmpty();
      assertThat(exchange.awaitClosed(Duration.ofSeconds(5))).isTrue();
    });
  }

  @Test
  void chapterClientReturnsTheFirstReadWhileTheConnectionStaysOpen() throws Exception {
    HostAndPort address = start(this::replyAndWork);

    assertThat(ChapterClient.communicate(address, "dispatch:abc")).isEqualTo("OK");

    assertThat(seen.poll(5, TimeUnit.SECONDS)).isEqualTo("dispatch:abc");
    assertThat(server.exchanges().get(0).isClosed()).isFalse();
  }

  @Test
  void holdsRepliesToTheNamedCommandsOpenForTheGivenTime() throws Exception {
    HostAndPort address = start(exchange -> exchange.reply(exchange.command()));
    server.holdRepliesOpen(Duration.ofMinutes(1), Set.of("ping"));

    try (Socket held = connect(address, "ping"); Socket notHeld = connect(address, "status")) {
      assertThat(readSome(notHeld.getInputStream())).isEqualTo("status");
      assertThat(notHeld.getInputStream().read()).as("status closed at once").isEqualTo(-1);
      assertThat(readSome(held.getInputStream())).isEqualTo("ping");
      held.setSoTimeout(300);
      assertThatThrownBy(() -> held.getInputStream().read())
          .as("ping held open").isInstanceOf(SocketTimeoutException.class);

      server.close();

      held.setSoTimeout(5_000);
      assertThat(readUntilEnd(held)).as("closing the server ends a held connection").isTrue();
    }
  }

  @Test
  void holdEndsWhenItsTimeHasPassed() throws Exception {
    HostAndPort address = start(exchange -> exchange.reply("pong"));
    Duration hold = Duration.ofMillis(500);
    server.holdRepliesOpen(hold, Set.of());

    long start = System.nanoTime();
    try (Socket socket = connect(address, "ping")) {
      assertThat(readSome(socket.getInputStream())).isEqualTo("pong");
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(hold);
  }

  @Test
  void closeEndsHandlersThatStillWork() throws Exception {
    HostAndPort address = start(exchange -> {
      exchange.reply("OK");
      new CountDownLatch(1).await(); // works for ever, until interrupted
    });
    assertThat(ChapterClient.communicate(address, "runtest:abc")).isEqualTo("OK");

    server.close();

    assertThat(server.exchanges().get(0).awaitClosed(Duration.ofSeconds(5))).isTrue();
    assertThatThrownBy(() -> ChapterClient.communicate(address, "ping"))
        .isInstanceOf(IOException.class);
  }

  /** Reads until the end of the stream or a reset; true if one came. */
  private static boolean readUntilEnd(Socket socket) throws IOException {
    try {
      while (socket.getInputStream().read() >= 0) {
        // discard
      }
      return true;
    } catch (SocketException reset) {
      return true;
    }
  }
}
