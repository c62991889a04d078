package dev.surveil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.auth.RequestSigner;
import dev.surveil.auth.RequestVerifier;
import dev.surveil.auth.Secret;
import dev.surveil.dispatcher.DispatcherService;
import dev.surveil.dispatcher.DispatcherSettings;
import dev.surveil.net.LineClient;
import dev.surveil.net.LineServer;
import dev.surveil.net.ServerOptions;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Dispatch;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Ping;
import dev.surveil.protocol.Register;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Request;
import dev.surveil.protocol.Results;
import dev.surveil.protocol.RunTest;
import dev.surveil.protocol.Status;
import dev.surveil.runner.DispatcherContact;
import dev.surveil.runner.TestRequestHandler;
import dev.surveil.testing.FakeClock;
import dev.surveil.testing.FakeTicker;
import dev.surveil.testing.LogRecorder;
import dev.surveil.testing.RawPeer;
import dev.surveil.time.Ticker;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live dispatcher and a live runner request handler, both with a secret, in this JVM: requests
 * signed with the secret are served; with a wrong or no secret, or replayed, or signed too long
 * ago, {@code register}, {@code dispatch}, {@code results}, {@code runtest} and {@code ping} are
 * refused with {@code Unauthorized} and change nothing. (The runner's real handler sits behind an
 * authenticated {@link LineServer} here; the processes with {@code --token-file} are tested by
 * {@code AuthIT}.)
 */
class AuthenticationTest {
  /** A reply to a signed request: its auth line, then OK (docs/protocol.md). */
  private static final String SIGNED_OK = "auth:[0-9a-f]{64}\nOK";
  private static final Secret SECRET = Secret.of("the-secret-shared-by-this-cluster");
  private static final CommitId COMMIT = new CommitId("0123456789abcdef0123456789abcdef01234567");
  private static final RequestSigner SIGNER = new RequestSigner(SECRET);
  private static final Duration RAW_TIMEOUT = Duration.ofSeconds(5);

  @TempDir
  Path dir;

  private final LogRecorder logs = LogRecorder.record("dev.surveil");
  private final BlockingQueue<CommitId> jobs = new LinkedBlockingQueue<>();
  private final FakeTicker runnerTicker = new FakeTicker();
  private final DispatcherContact contact = new DispatcherContact(runnerTicker);
  private final TestRequestHandler runnerHandler = new TestRequestHandler(contact,
      (commit, testsDone) -> {
        jobs.add(commit);
        testsDone.run();
      });
  private final LineServer runner = new LineServer("runner", loopback(), runnerHandler,
      ServerOptions.DEFAULT.withMaxReportBytes(0).withVerifier(new RequestVerifier(SECRET)),
      Ticker.SYSTEM);
  // Stands in for a runner the dispatcher can reach; it needs no secret to take part here.
  private final LineServer fakeRunner = new LineServer("fake-runner", loopback(),
      request -> request instanceof Ping ? Reply.PONG : Reply.BUSY, ServerOptions.DEFAULT,
      Ticker.SYSTEM);
  private DispatcherService dispatcher;

  @BeforeEach
  void start() throws Exception {
    dispatcher = new DispatcherService(new DispatcherSettings(loopback(),
        dir.resolve("results"), Duration.ofSeconds(30), Duration.ofSeconds(2),
        ServerOptions.DEFAULT.withVerifier(new RequestVerifier(SECRET)))
        // the fake runner never takes the commit; its results come from this test
        .withAcceptUnassignedResults(true));
    dispatcher.start();
    runner.start();
    fakeRunner.start();
    runnerTicker.advance(Duration.ofHours(1));
  }

  @AfterEach
  void stop() {
    try {
      runner.close();
      runnerHandler.close();
      fakeRunner.close();
      if (dispatcher != null) {
        dispatcher.close();
      }
    } finally {
      logs.close();
    }
  }

  @Test
  void dispatcherServesRequestsSignedWithItsSecret() throws Exception {
    LineClient client = client(Optional.of(SIGNER));

    assertThat(client.send(dispatcher(), new Status())).isEqualTo(Reply.OK);
    assertThat(client.send(dispatcher(), new Dispatch(COMMIT))).isEqualTo(Reply.NO_RUNNERS);
    assertThat(client.send(dispatcher(), register(fakeRunner))).isEqualTo(Reply.OK);
    assertThat(client.send(dispatcher(), new Dispatch(COMMIT))).isEqualTo(Reply.OK);
    assertThat(client.send(dispatcher(), new Results(COMMIT, "1 passed\n"))).isEqualTo(Reply.OK);

    assertThat(logs.messagesStartingWith("registered runner ")).hasSize(1);
    assertThat(logs.messagesStartingWith("queued commit ")).hasSize(1);
    assertThat(Files.readString(dir.resolve("results").resolve(COMMIT.value())))
        .isEqualTo("1 passed\n");
  }

  @Test
  void runnerServesPingAndRuntestSignedWithItsSecret() throws Exception {
    LineClient client = client(Optional.of(SIGNER));

    assertThat(client.send(runner(), new Ping())).isEqualTo(Reply.PONG);
    assertThat(client.send(runner(), new RunTest(COMMIT))).isEqualTo(Reply.OK);

    assertThat(jobs.poll(5, TimeUnit.SECONDS)).isEqualTo(COMMIT);
    assertThat(contact.silence()).isLessThan(Duration.ofMinutes(1));
  }

  @Test
  void refusesEveryRequestWithAWrongOrMissingSecretAndChangesNothing() throws Exception {
    var wrong = new RequestSigner(Secret.of("a-secret-that-is-not-the-one"));
    for (Optional<RequestSigner> signer : List.of(Optional.<RequestSigner>empty(),
        Optional.of(wrong))) {
      LineClient client = client(signer);
      for (Request request : List.of(register(fakeRunner), new Dispatch(COMMIT),
          new Results(COMMIT, "forged\n"), new Status())) {
        assertThat(client.send(dispatcher(), request)).as(request.toString())
            .isEqualTo(Reply.UNAUTHORIZED);
      }
      for (Request request : List.of(new RunTest(COMMIT), new Ping())) {
        assertThat(client.send(runner(), request)).as(request.toString())
            .isEqualTo(Reply.UNAUTHORIZED);
      }
    }

    assertNothingChanged();
  }

  @Test
  void refusesACapturedRequestSentAgain() throws Exception {
    List<byte[]> toDispatcher = List.of(SIGNER.encode(register(fakeRunner)),
        SIGNER.encode(new Results(COMMIT, "1 passed\n")));
    List<byte[]> toRunner = List.of(SIGNER.encode(new RunTest(COMMIT)),
        SIGNER.encode(new Ping()));

    for (byte[] captured : toDispatcher) {
      assertThat(RawPeer.exchange(dispatcher(), captured, RAW_TIMEOUT)).matches(SIGNED_OK);
      assertThat(RawPeer.exchange(dispatcher(), captured, RAW_TIMEOUT)).isEqualTo("Unauthorized");
    }
    assertThat(RawPeer.exchange(runner(), toRunner.get(0), RAW_TIMEOUT)).matches(SIGNED_OK);
    assertThat(jobs.poll(5, TimeUnit.SECONDS)).isEqualTo(COMMIT);
    assertThat(RawPeer.exchange(runner(), toRunner.get(0), RAW_TIMEOUT)).isEqualTo("Unauthorized");
    assertThat(RawPeer.exchange(runner(), toRunner.get(1), RAW_TIMEOUT))
        .matches("auth:[0-9a-f]{64}\npong");
    assertThat(RawPeer.exchange(runner(), toRunner.get(1), RAW_TIMEOUT)).isEqualTo("Unauthorized");

    assertThat(logs.messagesStartingWith("registered runner ")).hasSize(1);
    assertThat(jobs).isEmpty();
  }

  @Test
  void refusesRequestsSignedMoreThan30SecondsAwayFromTheServersClock() throws Exception {
    for (Duration offset : List.of(Duration.ofSeconds(-31), Duration.ofSeconds(31))) {
      var clock = new FakeClock(System.currentTimeMillis() + offset.toMillis());
      LineClient client = client(Optional.of(new RequestSigner(SECRET, clock)));

      assertThat(client.send(dispatcher(), register(fakeRunner))).isEqualTo(Reply.UNAUTHORIZED);
      assertThat(client.send(runner(), new RunTest(COMMIT))).isEqualTo(Reply.UNAUTHORIZED);
      assertThat(client.send(runner(), new Ping())).isEqualTo(Reply.UNAUTHORIZED);
    }

    assertNothingChanged();
  }

  private void assertNothingChanged() throws Exception {
    assertThat(logs.messagesStartingWith("registered runner ")).isEmpty();
    assertThat(logs.messagesStartingWith("queued commit ")).isEmpty();
    assertThat(logs.messagesStartingWith("stored result ")).isEmpty();
    try (var files = Files.list(dir.resolve("results"))) {
      assertThat(files.filter(f -> !f.getFileName().toString().startsWith("."))).isEmpty();
    }
    assertThat(jobs.poll(100, TimeUnit.MILLISECONDS)).isNull();
    assertThat(contact.silence()).as("no ping was taken as contact")
        .isGreaterThanOrEqualTo(Duration.ofHours(1));
  }

  private HostAndPort dispatcher() {
    return new HostAndPort("127.0.0.1", dispatcher.localAddress().getPort());
  }

  private HostAndPort runner() {
    return new HostAndPort("127.0.0.1", runner.localAddress().getPort());
  }

  private static Register register(LineServer server) {
    return new Register(new HostAndPort("127.0.0.1", server.localAddress().getPort()));
  }

  private static LineClient client(Optional<RequestSigner> signer) {
    return new LineClient(Duration.ofSeconds(2), Duration.ofSeconds(5), signer);
  }

  private static InetSocketAddress loopback() {
    return new InetSocketAddress("127.0.0.1", 0);
  }
}
