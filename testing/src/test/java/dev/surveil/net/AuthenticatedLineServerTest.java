package dev.surveil.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.surveil.auth.RequestSigner;
import dev.surveil.auth.RequestVerifier;
import dev.surveil.auth.Secret;
import dev.surveil.auth.UnauthenticatedReplyException;
import dev.surveil.protocol.ByteBudget;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Dispatch;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.MessageWriter;
import dev.surveil.protocol.Ping;
import dev.surveil.protocol.Register;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Request;
import dev.surveil.protocol.Results;
import dev.surveil.protocol.RunTest;
import dev.surveil.protocol.Status;
import dev.surveil.testing.ChapterServer;
import dev.surveil.testing.FakeClock;
import dev.surveil.testing.LiveThreads;
import dev.surveil.testing.RawPeer;
import dev.surveil.time.Ticker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real {@link LineServer} with a secret on 127.0.0.1 port 0: only requests signed with its
 * secret, fresh and never seen before reach the handler; everything else is {@code Unauthorized}.
 */
class AuthenticatedLineServerTest {
  private static final Secret SECRET = Secret.of("the-shared-secret-of-this-test");
  private static final CommitId COMMIT = new CommitId("0123456789abcdef0123456789abcdef01234567");
  private static final Duration PEER_TIMEOUT = Duration.ofSeconds(5);
  private static final List<Request> REQUESTS = List.of(new Status(), new Ping(),
      new Dispatch(COMMIT), new RunTest(COMMIT), new Register(new HostAndPort("localhost", 8900)),
      new Results(COMMIT, "PASSED  a()\n".repeat(10_000)));

  private final BlockingQueue<Request> handled = new LinkedBlockingQueue<>();
  private final LineServer server = new LineServer("auth-test",
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), this::record,
      ServerOptions.DEFAULT.withVerifier(new RequestVerifier(SECRET)), Ticker.SYSTEM);
  private LineServer plainServer;

  @AfterEach
  void closeServersAndCheckNothingElseWasHandled() {
    server.close();
    if (plainServer != null) {
      plainServer.close();
    }
    assertThat(handled).as("requests no test looked at").isEmpty();
  }

  @Test
  void answersEveryRequestSignedWithTheSecret() throws Exception {
    server.start();
    LineClient client = client(Optional.of(new RequestSigner(SECRET)));

    for (Request request : REQUESTS) {
      assertThat(client.send(address(server), request)).isEqualTo(Reply.OK);
      assertThat(handled.poll(5, TimeUnit.SECONDS)).isEqualTo(request);
    }
  }

  @Test
  void refusesEveryUnsignedRequestWithoutCallingTheHandler() throws Exception {
    server.start();
    LineClient unsigned = client(Optional.empty());

    for (Request request : REQUESTS) {
      assertThat(unsigned.send(address(server), request)).as(request.toString())
          .isEqualTo(Reply.UNAUTHORIZED);
    }
    assertThat(handled).isEmpty();
  }

  @Test
  void refusesRequestsSignedWithAnotherSecret() throws Exception {
    server.start();
    LineClient stranger = client(Optional.of(new RequestSigner(Secret.of("a-guess"))));

    for (Request request : REQUESTS) {
      assertThat(stranger.send(address(server), request)).isEqualTo(Reply.UNAUTHORIZED);
    }
  }

  @Test
  void refusesACapturedRequestSentAgain() throws Exception {
    server.start();
    byte[] captured = new RequestSigner(SECRET).encode(new RunTest(COMMIT));

    assertThat(sendRaw(captured)).matches("auth:[0-9a-f]{64}\nOK");
    assertThat(handled.poll(5, TimeUnit.SECONDS)).isEqualTo(new RunTest(COMMIT));
    assertThat(sendRaw(captured)).isEqualTo("Unauthorized");
  }

  @Test
  void signsTheReplyToAnAuthenticatedRequestWithAMacBoundToThatRequest() throws Exception {
    server.start();
    String nonce = "00112233445566778899aabbccddeeff";
    RequestSigner signer = new RequestSigner(SECRET);
    Request request = new RunTest(COMMIT);
    byte[] bytes = MessageWriter.encode(signer.sign(request, System.currentTimeMillis(), nonce),
        request);

    String reply = sendRaw(bytes);

    assertThat(handled.poll(5, TimeUnit.SECONDS)).isEqualTo(request);
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(
        "the-shared-secret-of-this-test".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String expected = java.util.HexFormat.of().formatHex(
        mac.doFinal(("reply:" + nonce + ":OK").getBytes(StandardCharsets.UTF_8)));
    assertThat(reply).isEqualTo("auth:" + expected + "\nOK");
  }

  @Test
  void aClientWithTheSecretTakesAnUnsignedOkFromAManInTheMiddleAsNoReply() throws Exception {
    try (ChapterServer middle = ChapterServer.start("middle",
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        exchange -> exchange.reply("OK"))) {
      LineClient client = client(Optional.of(new RequestSigner(SECRET)));
      HostAndPort address = new HostAndPort("127.0.0.1", middle.localAddress().getPort());

      assertThatThrownBy(() -> client.send(address, new Results(COMMIT, "1 passed\n")))
          .isExactlyInstanceOf(UnauthenticatedReplyException.class)
          .hasMessage("reply 'OK' from " + address + " is not authenticated; taken as no reply");
      // a client without a secret, as the chapter's, still takes it
      assertThat(client(Optional.empty()).send(address, new Status())).isEqualTo(Reply.OK);
    }
  }

  @Test
  void refusesARequestSignedWithAClockTooFarOff() throws Exception {
    server.start();
    var clock = new FakeClock(System.currentTimeMillis() - 60_000);
    LineClient late = client(Optional.of(new RequestSigner(SECRET, clock)));

    assertThat(late.send(address(server), new Ping())).isEqualTo(Reply.UNAUTHORIZED);
  }

  @Test
  void refusesUnauthenticatedPeerWithoutWaitingForTheRestOfItsRequest() throws Exception {
    server.start();

    try (RawPeer peer = RawPeer.connect(server.localAddress(), Duration.ofSeconds(3))) {
      // the request timeout is 10 s: an answer within 3 s means the server did not wait
      assertThat(peer.send("dispatch:01").readToEnd()).isEqualTo("Unauthorized");
    }
  }

  @Test
  void answersMalformedRequestAfterAValidAuthLineWithInvalidCommand() throws Exception {
    server.start();
    String auth = new String(new RequestSigner(SECRET).encode(new Status()),
        StandardCharsets.UTF_8).split("\n")[0];

    assertThat(sendRaw((auth + "\nhello\n").getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("Invalid command");
  }

  @Test
  void serverWithoutSecretAnswersSignedRequestWithInvalidCommand() throws Exception {
    plainServer = new LineServer("plain-test",
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), this::record,
        ServerOptions.DEFAULT, Ticker.SYSTEM);
    plainServer.start();
    LineClient signed = client(Optional.of(new RequestSigner(SECRET)));

    assertThat(signed.send(address(plainServer), new Status())).isEqualTo(Reply.INVALID_COMMAND);
  }

  @Test
  void peerStillSendingAfterTheReplyGetsTheReplyNotAReset() throws Exception {
    server.start();
    byte[] garbage = ("x".repeat(50_000) + "\n").getBytes(StandardCharsets.US_ASCII);

    for (int i = 0; i < 20; i++) {
      try (RawPeer peer = RawPeer.connect(server.localAddress(), PEER_TIMEOUT)) {
        // readToEnd fails on a reset, which would have destroyed the reply
        assertThat(peer.send(garbage).readToEnd()).isEqualTo("Unauthorized");
      }
    }
  }

  @Test
  void closesWhilePeersAreConnectedAndLeavesNoThreads() throws Exception {
    server.start();
    // connected but silent: the server waits for its request until the deadline
    try (RawPeer peer = RawPeer.connect(server.localAddress(), PEER_TIMEOUT)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> !LiveThreads.named("auth-test-conn /").isEmpty());
      server.close();
      assertThat(peer.readUntilClosedOrReset()).isEmpty();
    }
    LiveThreads.awaitNoneNamed(Duration.ofSeconds(5), "auth-test-");
  }

  @Test
  void refusesForgedReportOfTheLimitAndGivesItsMemoryBack() throws Exception {
    ByteBudget budget = ServerOptions.DEFAULT.reportBudget();
    server.start();
    String forgedAuth = "auth:" + System.currentTimeMillis() + ":" + "0".repeat(32) + ":"
        + "ab".repeat(32) + "\n";
    int length = ServerOptions.DEFAULT.limits().maxReportBytes();

    try (RawPeer peer = RawPeer.connect(server.localAddress(), PEER_TIMEOUT)) {
      peer.send(forgedAuth + "results:" + COMMIT + ":" + length + ":");
      peer.send(new byte[length]);
      assertThat(peer.readToEnd()).isEqualTo("Unauthorized");
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> budget.reservedBytes() == 0);
  }

  @Test
  void refusesSignedReportWhileOtherConnectionsHoldTheWholeBudgetThenTakesIt() throws Exception {
    int chunk = ByteBudget.CHUNK_BYTES;
    ByteBudget budget = new ByteBudget(2L * chunk, chunk, Duration.ZERO);
    plainServer = new LineServer("budget-test",
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), this::record,
        ServerOptions.DEFAULT.withMaxReportBytes(2 * chunk).withReportBudget(budget)
            .withVerifier(new RequestVerifier(SECRET)), Ticker.SYSTEM);
    plainServer.start();
    LineClient client = client(Optional.of(new RequestSigner(SECRET)));
    Results results = new Results(COMMIT, "x".repeat(chunk / 2));
    String forgedAuth = "auth:" + System.currentTimeMillis() + ":" + "1".repeat(32) + ":"
        + "ab".repeat(32) + "\n";

    try (RawPeer stranger = RawPeer.connect(plainServer.localAddress(), PEER_TIMEOUT)) {
      // a report of two chunks, all but its last byte sent: the stranger holds the budget
      stranger.send(forgedAuth + "results:" + COMMIT + ":" + 2 * chunk + ":")
          .send(new byte[2 * chunk - 1]);
      await().atMost(Duration.ofSeconds(5)).until(() -> budget.reservedBytes() == 2L * chunk);

      assertThat(client.send(address(plainServer), results)).isEqualTo(Reply.INVALID_COMMAND);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> budget.reservedBytes() == 0);
    assertThat(client.send(address(plainServer), results)).isEqualTo(Reply.OK);
    assertThat(handled.poll(5, TimeUnit.SECONDS)).isEqualTo(results);
  }

  private Reply record(Request request) {
    handled.add(request);
    return Reply.OK;
  }

  private String sendRaw(byte[] bytes) throws IOException {
    try (RawPeer peer = RawPeer.connect(server.localAddress(), PEER_TIMEOUT)) {
      return peer.send(bytes).readToEnd();
    }
  }

  private static LineClient client(Optional<RequestSigner> signer) {
    return new LineClient(Duration.ofSeconds(2), PEER_TIMEOUT, signer);
  }

  private static HostAndPort address(LineServer server) {
    return new HostAndPort("127.0.0.1", server.localAddress().getPort());
  }
}
