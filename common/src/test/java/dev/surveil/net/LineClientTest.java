package dev.surveil.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Dispatch;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.ProtocolException;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link LineClient} against a scripted peer on a raw {@link ServerSocket}, which records what it
 * received and answers however the test says.
 */
class LineClientTest {
  private static final String ID = "0123456789abcdef0123456789abcdef01234567";

  private final LineClient client = new LineClient(Duration.ofSeconds(2), Duration.ofSeconds(5));
  private final BlockingQueue<String> receivedLines = new LinkedBlockingQueue<>();
  private final BlockingQueue<Throwable> peerFailures = new LinkedBlockingQueue<>();
  private final ExecutorService peerThread =
      Executors.newSingleThreadExecutor(new NamedThreadFactory("fake-peer", true));
  private ServerSocket listener;

  /** What the fake peer does with one accepted connection. */
  private interface Behaviour {
    void serve(Socket socket) throws IOException;
  }

  @BeforeEach
  void listen() throws IOException {
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  @AfterEach
  void stopPeer() throws Exception {
    listener.close();
    peerThread.shutdownNow();
    assertThat(peerThread.awaitTermination(5, TimeUnit.SECONDS)).as("fake peer stopped").isTrue();
    assertThat(peerFailures).as("fake peer failures").isEmpty();
  }

  @Test
  void sendsTerminatedRequestAndReadsReplyUntilClose() throws Exception {
    peer(socket -> {
      receivedLines.add(readLine(socket.getInputStream()));
      socket.getOutputStream().write("No runners are registered".getBytes(StandardCharsets.UTF_8));
    });

    Reply reply = client.send(address(), new Dispatch(new CommitId(ID)));

    assertThat(reply).isEqualTo(Reply.NO_RUNNERS);
    assertThat(receivedLines.poll(5, TimeUnit.SECONDS)).isEqualTo("dispatch:" + ID + "\n");
  }

  @Test
  void acceptsReplyWithTrailingNewline() throws Exception {
    peer(socket -> {
      readLine(socket.getInputStream());
      socket.getOutputStream().write("pong\n".getBytes(StandardCharsets.UTF_8));
    });

    assertThat(client.send(address(), new Status())).isEqualTo(Reply.PONG);
  }

  @Test
  void returnsReplyWhenPeerResetsAfterReplying() throws Exception {
    peer(socket -> {
      // as the chapter's Python programs do when input is left unread: reply, then reset
      socket.setSoLinger(true, 0);
      socket.getInputStream().read();
      socket.getOutputStream().write("OK".getBytes(StandardCharsets.UTF_8));
    });

    assertThat(client.send(address(), new Status())).isEqualTo(Reply.OK);
  }

  @Test
  void refusesUnknownReply() throws Exception {
    peer(socket -> {
      readLine(socket.getInputStream());
      socket.getOutputStream().write("Nope".getBytes(StandardCharsets.UTF_8));
    });

    assertThatThrownBy(() -> client.send(address(), new Status()))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("unexpected reply: 'Nope'");
  }

  @Test
  void refusesOverlongReply() throws Exception {
    peer(socket -> {
      readLine(socket.getInputStream());
      socket.getOutputStream().write("x".repeat(2000).getBytes(StandardCharsets.UTF_8));
    });

    assertThatThrownBy(() -> client.send(address(), new Status()))
        .isInstanceOf(ProtocolException.class)
        .hasMessageStartingWith("unexpected reply: 'xxxx");
  }

  @Test
  void failsWhenPeerClosesWithoutReply() throws Exception {
    peer(socket -> readLine(socket.getInputStream()));

    assertThatThrownBy(() -> client.send(address(), new Status()))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("connection closed by " + address() + " without a reply");
  }

  @Test
  void timesOutWhenPeerNeverReplies() throws Exception {
    var impatient = new LineClient(Duration.ofSeconds(2), Duration.ofMillis(200));
    peer(socket -> {
      InputStream in = socket.getInputStream();
      receivedLines.add(readLine(in));
      in.transferTo(OutputStream.nullOutputStream()); // until the client gives up and closes
    });

    assertThatThrownBy(() -> impatient.send(address(), new Status()))
        .isInstanceOf(SocketTimeoutException.class);
    assertThat(receivedLines.poll(5, TimeUnit.SECONDS)).isEqualTo("status\n");
  }

  @Test
  void failsFastWhenNothingListens() throws Exception {
    HostAndPort closed = address();
    listener.close();

    long startNanos = System.nanoTime();
    assertThatThrownBy(() -> client.send(closed, new Status()))
        .isInstanceOf(ConnectException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - startNanos)).isLessThan(Duration.ofSeconds(2));
  }

  private void peer(Behaviour behaviour) {
    peerThread.execute(() -> {
      try (Socket socket = listener.accept()) {
        behaviour.serve(socket);
      } catch (IOException | RuntimeException e) {
        peerFailures.add(e);
      }
    });
  }

  private HostAndPort address() {
    return new HostAndPort("127.0.0.1", listener.getLocalPort());
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      line.write(b);
      if (b == '\n') {
        break;
      }
    }
    return line.toString(StandardCharsets.UTF_8);
  }
}
