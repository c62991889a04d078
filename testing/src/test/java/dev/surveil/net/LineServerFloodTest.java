package dev.surveil.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.surveil.auth.RequestSigner;
import dev.surveil.auth.RequestVerifier;
import dev.surveil.auth.Secret;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Limits;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Status;
import dev.surveil.testing.ConnectionFlood;
import dev.surveil.testing.RawPeer;
import dev.surveil.time.Ticker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11: a real {@link LineServer} on 127.0.0.1 flooded with connections from other loopback
 * addresses (127.0.0.2 and up, another peer address on Linux) keeps answering everyone else.
 */
class LineServerFloodTest {
  private static final Duration PEER_TIMEOUT = Duration.ofSeconds(5);
  private static final Limits LIMITS = Limits.DEFAULT;
  private static final Secret SECRET = Secret.of("the-shared-secret-of-this-test");

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final LineClient client = new LineClient(Duration.ofSeconds(2), PEER_TIMEOUT);

  @AfterEach
  void closeEverything() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  @Test
  void limitsTheConnectionsOfOnePeerAddress() throws Exception {
    LineServer server = start(options(Duration.ofSeconds(30), 16, 4));
    List<RawPeer> idle = new ArrayList<>();
    int closed = 0;
    for (int i = 0; i < 10; i++) {
      try {
        idle.add(connect(server, source(2)));
      } catch (IOException resetAtOnce) {
        closed++; // reset before connect() returned
      }
    }

    for (RawPeer peer : idle) {
      closed += isClosedWithin(peer, Duration.ofSeconds(2)) ? 1 : 0;
    }
    assertThat(closed).as("connections over the limit of 4, closed").isEqualTo(6);
    assertThat(server.openConnections()).isEqualTo(4);
    assertThat(client.send(address(server), new Status())).isEqualTo(Reply.OK);
  }

  @Test
  void closesIdleConnectionsSoonOnlyWhenMoreThanHalfTheSlotsAreTaken() throws Exception {
    LineServer server = start(options(Duration.ofSeconds(30), 8, 8)
        .withBusyRequestTimeout(Duration.ofMillis(300)));
    List<RawPeer> idle = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      idle.add(connect(server, source(2)));
    }
    await().atMost(PEER_TIMEOUT).until(() -> server.openConnections() == 4);
    assertThat(isClosedWithin(idle.get(0), Duration.ofSeconds(1)))
        .as("half the slots: not busy, the 30 s deadline holds").isFalse();

    RawPeer fifth = connect(server, source(2));
    long start = System.nanoTime();
    for (RawPeer peer : idle) {
      assertThat(isClosedWithin(peer, Duration.ofSeconds(5))).isTrue();
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    // the four overdue ones went at once, before the fifth was; then the server is not busy
    assertThat(isClosedWithin(fifth, Duration.ofSeconds(1))).isFalse();
    assertThat(client.send(address(server), new Status())).isEqualTo(Reply.OK);
  }

  @Test
  void aNewPeerTakesTheOldestIdleSlotOfTheHeaviestPeerWhenAllAreTaken() throws Exception {
    // all slots taken makes the server busy: a long busy deadline keeps the reaper out of this
    LineServer server = start(options(Duration.ofSeconds(30), 6, 4)
        .withBusyRequestTimeout(Duration.ofSeconds(30)));
    List<RawPeer> heavy = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      heavy.add(connect(server, source(2)));
      await().atMost(PEER_TIMEOUT).until(() -> server.openConnections() == heavy.size());
    }
    connect(server, source(3));
    connect(server, source(3));
    await().atMost(PEER_TIMEOUT)
        .untilAsserted(() -> assertThat(server.openConnections()).isEqualTo(6));

    assertThat(client.send(address(server), new Status())).isEqualTo(Reply.OK);

    assertThat(isClosedWithin(heavy.get(0), Duration.ofSeconds(2))).isTrue();
    assertThat(isClosedWithin(heavy.get(1), Duration.ofMillis(300))).isFalse();
  }

  @Test
  void keepsSlotsForPeersThatAuthenticated() throws Exception {
    LineServer server = start(options(Duration.ofSeconds(30), 8, 8)
        .withBusyRequestTimeout(Duration.ofSeconds(30))
        .withVerifier(new RequestVerifier(SECRET)));
    LineClient signed = new LineClient(Duration.ofSeconds(2), PEER_TIMEOUT,
        Optional.of(new RequestSigner(SECRET)));
    assertThat(signed.send(address(server), new Status())).isEqualTo(Reply.OK);
    List<RawPeer> strangers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      try {
        strangers.add(connect(server, source(2)));
      } catch (IOException resetAtOnce) {
        // refused: the server resets a connection it has no slot for, perhaps before connect()
        // has returned
      }
    }
    await().atMost(PEER_TIMEOUT)
        .untilAsserted(() -> assertThat(server.openConnections()).isEqualTo(6));
    List<RawPeer> held = new ArrayList<>();
    for (RawPeer peer : strangers) {
      if (!isClosedWithin(peer, Duration.ofMillis(100))) {
        held.add(peer);
      }
    }

    assertThat(signed.send(address(server), new Status())).isEqualTo(Reply.OK);
    for (RawPeer peer : held) {
      assertThat(isClosedWithin(peer, Duration.ofMillis(100)))
          .as("the authenticated peer used the reserve, displacing no one").isFalse();
    }
    assertThat(held).hasSize(6);
  }

  @Test
  void answersStatusWithoutWaitingForTheReaperDuringAFloodFromOtherAddresses() throws Exception {
    LineServer server = start(ServerOptions.DEFAULT);
    // 8 addresses x 32 connections fill all 256 slots; the rest are refused and come back
    for (int i = 0; i < 8; i++) {
      resources.add(ConnectionFlood.start(server.localAddress(), source(2 + i), 250, 38,
          Duration.ofMillis(20)));
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> server.openConnections() >= 200);

    long[] millis = new long[200];
    for (int i = 0; i < millis.length; i++) {
      long start = System.nanoTime();
      assertThat(client.send(address(server), new Status())).isEqualTo(Reply.OK);
      millis[i] = (System.nanoTime() - start) / 1_000_000;
    }
    Arrays.sort(millis);
    long p99 = millis[millis.length * 99 / 100 - 1];
    System.out.printf("status during a flood: p50=%d ms p99=%d ms max=%d ms, open=%d%n",
        millis[millis.length / 2], p99, millis[millis.length - 1], server.openConnections());
    // How fast is the bench's to say (scenario 10, "flood": p99 about 10 ms); a test only shows
    // that no request was refused or left to wait for the reaper's round (1 s), which a machine
    // under load does not blur as it blurs milliseconds.
    assertThat(p99).isLessThan(1_000);
  }

  @Test
  void keepsAcceptingAfterAnAcceptFailsForWantOfFileDescriptors() throws Exception {
    ServerSocket bound = new ServerSocket() {
      private boolean failed;

      @Override
      public Socket accept() throws IOException {
        if (!failed) {
          failed = true;
          throw new IOException("Too many open files");
        }
        return super.accept();
      }
    };
    bound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    LineServer server = new LineServer("flood-test", bound, request -> Reply.OK,
        ServerOptions.DEFAULT, Ticker.SYSTEM);
    resources.add(server);
    server.start();

    assertThat(client.send(address(server), new Status())).isEqualTo(Reply.OK);
  }

  @Test
  void refusesOptionsWithAPerPeerLimitAboveTheTotal() {
    assertThatThrownBy(() -> ServerOptions.DEFAULT.withConnectionLimits(8, 9))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxConnectionsPerPeer must be 1-8: 9");
  }

  private ServerOptions options(Duration requestTimeout, int max, int perPeer) {
    return new ServerOptions(LIMITS, requestTimeout, Duration.ofMillis(50), max)
        .withConnectionLimits(max, perPeer);
  }

  private LineServer start(ServerOptions options) throws IOException {
    LineServer server = new LineServer("flood-test",
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        request -> Reply.OK, options, Ticker.SYSTEM);
    resources.add(server);
    server.start();
    return server;
  }

  private RawPeer connect(LineServer server, InetAddress source) throws IOException {
    RawPeer peer = RawPeer.connect(server.localAddress(), source, PEER_TIMEOUT);
    resources.add(peer);
    return peer;
  }

  /** True if the server closes (or resets) the connection within {@code wait}. */
  private static boolean isClosedWithin(RawPeer peer, Duration wait) throws IOException {
    try {
      peer.setReadTimeout(wait);
      peer.readUntilClosedOrReset();
      return true;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    }
  }

  private static HostAndPort address(LineServer server) {
    return new HostAndPort("127.0.0.1", server.localAddress().getPort());
  }

  private static InetAddress source(int last) throws IOException {
    return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
  }
}
