package dev.surveil.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.ProtocolException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChapterClientTest {
  private final ChapterClient client = new ChapterClient(Duration.ofSeconds(2),
      Duration.ofSeconds(5));
  private final ExecutorService peer = Executors.newSingleThreadExecutor();
  private final CountDownLatch testDone = new CountDownLatch(1);
  private ServerSocket server;

  @BeforeEach
  void listen() throws Exception {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
  }

  @AfterEach
  void stop() throws Exception {
    testDone.countDown();
    server.close();
    peer.shutdownNow();
    assertThat(peer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void writesTheBareRequestAndStopsReadingAtAWholeReplyWhileTheConnectionStaysOpen()
      throws Exception {
    Future<String> received = answer(6, "OK", true);

    ChapterClient.Exchange exchange = client.exchange(address(), "status");

    assertThat(exchange.reply()).isEqualTo("OK");
    assertThat(exchange.nanos()).isPositive();
    assertThat(received.get(5, TimeUnit.SECONDS)).isEqualTo("status");
  }

  @Test
  void refusesBytesThatAreNotAReply() {
    answer(7, "not a reply", true);

    assertThatThrownBy(() -> client.exchange(address(), "status\n"))
        .isInstanceOf(ProtocolException.class).hasMessage("unexpected reply: 'not a reply'");
  }

  @Test
  void refusesAConnectionClosedWithoutAReply() {
    answer(6, "", false);

    assertThatThrownBy(() -> client.exchange(address(), "status"))
        .isInstanceOf(ProtocolException.class).hasMessageContaining("without a reply");
  }

  /**
   * Has the peer accept one connection, read {@code requestBytes}, write {@code reply}, and then
   * either hold the connection open until the test ends or close it.
   */
  private Future<String> answer(int requestBytes, String reply, boolean holdOpen) {
    CompletableFuture<String> received = new CompletableFuture<>();
    peer.execute(() -> {
      try (Socket socket = server.accept()) {
        InputStream in = socket.getInputStream();
        received.complete(new String(in.readNBytes(requestBytes), StandardCharsets.UTF_8));
        socket.getOutputStream().write(reply.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
        if (holdOpen) {
          testDone.await(10, TimeUnit.SECONDS);
        }
      } catch (Exception e) {
        received.completeExceptionally(e);
      }
    });
    return received;
  }

  private HostAndPort address() {
    return new HostAndPort("127.0.0.1", server.getLocalPort());
  }
}
