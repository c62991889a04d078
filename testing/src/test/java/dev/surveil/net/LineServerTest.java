package dev.surveil.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Dispatch;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Limits;
import dev.surveil.protocol.LineCodec;
import dev.surveil.protocol.Ping;
import dev.surveil.protocol.ProtocolException;
import dev.surveil.protocol.Register;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Request;
import dev.surveil.protocol.Results;
import dev.surveil.protocol.RunTest;
import dev.surveil.protocol.Status;
import dev.surveil.testing.LiveThreads;
import dev.surveil.testing.LogRecorder;
import dev.surveil.testing.RawPeer;
import dev.surveil.time.Ticker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A real {@link LineServer} on 127.0.0.1 port 0, called by {@link LineClient} and raw sockets. */
class LineServerTest {
  private static final String ID = "0123456789abcdef0123456789abcdef01234567";
  private static final CommitId COMMIT = new CommitId(ID);
  private static final Duration PEER_TIMEOUT = Duration.ofSeconds(5);
  private static final AtomicInteger SERVERS = new AtomicInteger();

  private final Deque<LineServer> servers = new ArrayDeque<>();
  private final BlockingQueue<Request> received = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> handlerThreads = new LinkedBlockingQueue<>();
  private final LineClient client = new LineClient(Duration.ofSeconds(2), PEER_TIMEOUT);
  private String name;

  @AfterEach
  void closeServersAndCheckNothingIsLeft() {
    while (!servers.isEmpty()) {
      servers.pop().close();
    }
    if (name != null) {
      LiveThreads.awaitNoneNamed(Duration.ofSeconds(5), name + "-");
    }
    assertThat(received).as("requests no test looked at").isEmpty();
  }

  @Test
  void answersEachRequestSentByLineClient() throws Exception {
    LineServer server = start(ServerOptions.DEFAULT);
    Results results = new Results(COMMIT, "line: one\n".repeat(20_000) + "caf\u00e9\n");
    List<Request> requests = List.of(new Status(), new Ping(), new Dispatch(COMMIT),
        new RunTest(COMMIT), new Register(new HostAndPort("localhost", 8900)), results);

    for (Request request : requests) {
      assertThat(client.send(address(server), request)).isEqualTo(replyTo(request));
      assertThat(takeRequest()).isEqualTo(request);
    }
  }

  @Test
  void runsHandlerOnThreadNamedForComponentAndPeer() throws Exception {
    LineServer server = start(ServerOptions.DEFAULT);

    client.send(address(server), new Ping());

    takeRequest();
    assertThat(handlerThreads.poll(5, TimeUnit.SECONDS)).startsWith(name + "-conn /127.0.0.1:");
  }

  @Test
  void answersChapterStyleStatusWithoutNewline() throws Exception {
    LineServer server = start(ServerOptions.DEFAULT);

    try (RawPeer peer = RawPeer.connect(server.localAddress(), PEER_TIMEOUT)) {
      assertThat(peer.send("status").readToEnd()).isEqualTo("OK");
    }
    assertThat(takeRequest()).isEqualTo(new Status());
  }

  @Test
  void answersUnterminatedDispatchAtOnce() throws Exception {
    LineServer server = start(ServerOptions.DEFAULT);

    try (RawPeer peer = RawPeer.connect(server.localAddress(), PEER_TIMEOUT)) {
      assertThat(peer.send("dispatch:" + ID).readToEnd()).isEqualTo("No runners are registered");
    }
    assertThat(takeRequest()).isEqualTo(new Dispatch(COMMIT));
  }

  @Test
  void answersChapterObserverDispatchWithNewline() throws Exception {
    LineServer server = start(ServerOptions.DEFAULT);

    try (RawPeer peer = RawPeer.connect(server.localAddress(), PEER_TIMEOUT)) {
      assertThat(peer.send("dispatch:" + ID + "\n").readToEnd())
          .isEqualTo("No runners are registered");
    }
    assertThat(takeRequest()).isEqualTo(new Dispatch(COMMIT));
  }

  @Test
  void answersGarbageWithInvalidCommandAndKeepsServing() throws Exception {
    LineServer server = start(ServerOptions.DEFAULT);

    for (String garbage : List.of("hello\n", "GET / HTTP/1.1\r\n\r\n", "status:now\n",
        "dispatch:../../etc\n", "\u0000\u00ff\u0001")) {
      try (RawPeer peer = RawPeer.connect(server.localAddress(), PEER_TIMEOUT)) {
        assertThat(peer.send(garbage).readToEnd()).as(garbage).isEqualTo("Invalid command");
      }
    }
    assertThat(client.send(address(server), new Status())).isEqualTo(Reply.OK);
    assertThat(takeRequest()).isEqualTo(new Status());
  }

  @Test
  void answersOthersPromptlyWhileOnePeerStalls() throws Exception {
    LineServer server = start(ServerOptions.DEFAULT);

    try (RawPeer stalled = RawPeer.connect(server.localAddress(), PEER_TIMEOUT)) {
      stalled.send("d");
      long startNanos = System.nanoTime();
      for (int i = 0; i < 5; i++) {
        assertThat(client.send(address(server), new Ping())).isEqualTo(Reply.PONG);
        assertThat(takeRequest()).isEqualTo(new Ping());
      }
      assertThat(Duration.ofNanos(System.nanoTime() - startNanos))
          .isLessThan(Duration.ofSeconds(2));
    }
  }

  @Test
  void answersCompleteUnterminatedRequestsWithoutWaitingForTheQuietPeriod() throws Exception {
    // A quiet period far beyond the peer's read timeout: a reply proves the server did not wait.
    // One peer may hold every slot: its connections follow each other faster than the server
    // frees the last one's slot, which a small per-peer share would refuse.
    LineServer server = start(new ServerOptions(Limits.DEFAULT, Duration.ofSeconds(60),
        Duration.ofSeconds(30), 16).withConnectionLimits(16, 16));

    for (String request : List.of("status", "ping", "dispatch:" + ID, "register:localhost:8900",
        "register:127.0.0.1:41234")) {
      try (RawPeer peer = RawPeer.connect(server.localAddress(), PEER_TIMEOUT)) {
        assertThat(peer.send(request).readToEnd()).as(request)
            .isIn("OK", "pong", "No runners are registered");
      }
      assertThat(LineCodec.format(takeRequest())).isEqualTo(request);
    }
  }

  @Test
  void refusesUnterminatedRequestsThatCannotBecomeValidWithoutWaiting() throws Exception {
    LineServer server = start(new ServerOptions(Limits.DEFAULT, Duration.ofSeconds(60),
        Duration.ofSeconds(30), 16).withConnectionLimits(16, 16));

    for (String request : List.of("status:extra", "dispatch:not-a-commit", "hello",
        "register:localhost:99999")) {
      try (RawPeer peer = RawPeer.connect(server.localAddress(), PEER_TIMEOUT)) {
        assertThat(peer.send(request).readToEnd()).as(request).isEqualTo("Invalid command");
      }
    }
  }

  @Test
  void answersStalledPeerWithInvalidCommandAtRequestTimeout() throws Exception {
    var options = new ServerOptions(Limits.DEFAULT, Duration.ofMillis(300), Duration.ofMillis(50),
        16).withConnectionLimits(16, 16);
    LineServer server = start(options);

    try (RawPeer peer = RawPeer.connect(server.localAddress(), PEER_TIMEOUT)) {
      assertThat(peer.send("dispatch:ab").readToEnd()).isEqualTo("Invalid command");
    }
  }

  @Test
  void cutsOffHugeResultsDeclarationAfterItsHeader() throws Exception {
    LineServer server = start(ServerOptions.DEFAULT);
    String request = "results:" + ID + ":100000000:" + "x".repeat(4096);

    try (RawPeer peer = RawPeer.connect(server.localAddress(), Duration.ofSeconds(3))) {
      // the server's request timeout is 10 s, so a reply within 3 s means it did not wait
      assertThat(peer.send(request).readUntilClosedOrReset()).isEqualTo("Invalid command");
    }
    assertThat(client.send(address(server), new Status())).isEqualTo(Reply.OK);
    assertThat(takeRequest()).isEqualTo(new Status());
  }

  @Test
  void refusesResultsLongerThanTheirDeclaredLengthWithAWarning() throws Exception {
    LineServer server = start(ServerOptions.DEFAULT);

    try (LogRecorder logs = LogRecorder.record(LineServer.class.getName());
        RawPeer peer = RawPeer.connect(server.localAddress(), PEER_TIMEOUT)) {
      assertThat(peer.send("results:" + ID + ":3:abcdefghijkl").readToEnd())
          .isEqualTo("Invalid command");
      assertThat(logs.awaitLine("WARN peer=")).endsWith(
          "sent a bad request: report longer than its declared 3 bytes: 'defghijkl' follows it");
    }
    assertThat(received).isEmpty();
  }

  @Test
  void answersChapterStyleResultsHeldOpenAfterTheQuietPeriod() throws Exception {
    LineServer server = start(ServerOptions.DEFAULT);

    try (RawPeer peer = RawPeer.connect(server.localAddress(), PEER_TIMEOUT)) {
      // one write, no terminator, the connection held open for the reply
      assertThat(peer.send("results:" + ID + ":3:abc").readToEnd()).isEqualTo("OK");
    }
    assertThat(takeRequest()).isEqualTo(new Results(COMMIT, "abc"));
  }

  @Test
  void answersLineClientResultsWithoutWaitingForTheQuietPeriod() throws Exception {
    LineServer server = start(new ServerOptions(Limits.DEFAULT, Duration.ofSeconds(60),
        Duration.ofSeconds(30), 4).withConnectionLimits(4, 4));
    var impatient = new LineClient(Duration.ofSeconds(2), Duration.ofSeconds(5));
    Results results = new Results(COMMIT, "PASSED\n");

    // the client ends its side after the report, so the server need not wait 30 s for more
    assertThat(impatient.send(address(server), results)).isEqualTo(Reply.OK);
    assertThat(takeRequest()).isEqualTo(results);
  }

  @Test
  void keepsServingAfterHandlerThrows() throws Exception {
    LineServer server = start(request -> {
      if (request instanceof Dispatch) {
        throw new IllegalStateException("handler bug");
      }
      return Reply.OK;
    }, ServerOptions.DEFAULT);

    assertThatThrownBy(() -> client.send(address(server), new Dispatch(COMMIT)))
        .isInstanceOf(ProtocolException.class)
        .hasMessageEndingWith("without a reply");
    assertThat(client.send(address(server), new Status())).isEqualTo(Reply.OK);
  }

  @Test
  void closesWithoutAReplyWhenTheHandlerGivesNone() throws Exception {
    LineServer server = start(request -> request instanceof Results ? null : Reply.OK,
        ServerOptions.DEFAULT);

    assertThatThrownBy(() -> client.send(address(server), new Results(COMMIT, "report")))
        .isInstanceOf(ProtocolException.class)
        .hasMessageEndingWith("without a reply");
    assertThat(client.send(address(server), new Status())).isEqualTo(Reply.OK);
  }

  @Test
  void closeIsIdempotentClosesOpenConnectionsAndStopsThreads() throws Exception {
    LineServer server = start(ServerOptions.DEFAULT);
    // connected but silent: the server waits for its request until the deadline
    try (RawPeer stalled = RawPeer.connect(server.localAddress(), PEER_TIMEOUT)) {
      await().atMost(Duration.ofSeconds(5))
          .until(() -> !LiveThreads.named(name + "-conn /").isEmpty());

      long startNanos = System.nanoTime();
      server.close();
      server.close();

      assertThat(Duration.ofNanos(System.nanoTime() - startNanos))
          .isLessThan(Duration.ofSeconds(2));
      // closed, not answered: the peer sees the end of the stream (or a reset) at once
      assertThat(stalled.readUntilClosedOrReset()).isEmpty();
    }
    assertThat(LiveThreads.named(name + "-accept")).isEmpty();
    LiveThreads.awaitNoneNamed(Duration.ofSeconds(2), name + "-");
    assertThatThrownBy(() -> RawPeer.connect(server.localAddress(), PEER_TIMEOUT))
        .isInstanceOf(IOException.class);
  }

  @Test
  void refusesToStartTwiceOrAfterClose() throws Exception {
    LineServer server = start(ServerOptions.DEFAULT);

    assertThatThrownBy(server::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(name + " server already started or closed, state=STARTED");
    server.close();
    assertThatThrownBy(server::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(name + " server already started or closed, state=CLOSED");
  }

  @Test
  void refusesLocalAddressBeforeStart() {
    LineServer server = server(this::record, ServerOptions.DEFAULT, 0);

    assertThatThrownBy(server::localAddress)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(name + " server not started");
    server.close();
  }

  @Test
  void restartsOnTheSamePortRightAfterClose() throws Exception {
    LineServer first = start(ServerOptions.DEFAULT);
    int port = first.localAddress().getPort();
    // the server closes its side first, leaving the port's connection in TIME_WAIT
    assertThat(client.send(address(first), new Status())).isEqualTo(Reply.OK);
    takeRequest();
    first.close();

    LineServer second = server(this::record, ServerOptions.DEFAULT, port);
    second.start();

    assertThat(second.localAddress().getPort()).isEqualTo(port);
    assertThat(client.send(address(second), new Ping())).isEqualTo(Reply.PONG);
    assertThat(takeRequest()).isEqualTo(new Ping());
  }

  private LineServer start(ServerOptions options) throws IOException {
    return start(this::record, options);
  }

  private LineServer start(MessageHandler handler, ServerOptions options) throws IOException {
    LineServer server = server(handler, options, 0);
    server.start();
    return server;
  }

  private LineServer server(MessageHandler handler, ServerOptions options, int port) {
    if (name == null) {
      name = "test" + SERVERS.incrementAndGet();
    }
    var bindAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    LineServer server = new LineServer(name, bindAddress, handler, options, Ticker.SYSTEM);
    servers.push(server);
    return server;
  }

  private Reply record(Request request) {
    handlerThreads.add(Thread.currentThread().getName());
    received.add(request);
    return replyTo(request);
  }

  private static Reply replyTo(Request request) {
    if (request instanceof Ping) {
      return Reply.PONG;
    } else if (request instanceof Dispatch) {
      return Reply.NO_RUNNERS;
    } else if (request instanceof RunTest) {
      return Reply.BUSY;
    }
    return Reply.OK;
  }

  private Request takeRequest() throws InterruptedException {
    Request request = received.poll(5, TimeUnit.SECONDS);
    assertThat(request).as("a request reached the handler").isNotNull();
    return request;
  }

  private static HostAndPort address(LineServer server) {
    return new HostAndPort("127.0.0.1", server.localAddress().getPort());
  }
}
