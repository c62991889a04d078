package dev.surveil.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.net.HostAndPort;
import dev.surveil.net.LineClient;
import dev.surveil.net.ServerOptions;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Ping;
import dev.surveil.protocol.Register;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.RequestSigner;
import dev.surveil.protocol.Results;
import dev.surveil.protocol.RunTest;
import dev.surveil.protocol.Secret;
import dev.surveil.testing.GitRepoFixture;
import dev.surveil.time.Ticker;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real runner with a secret, on real sockets, against a dispatcher stand-in that verifies
 * requests: the runner signs what it sends and refuses what is not signed with its secret.
 */
class RunnerAuthTest {
  private static final Secret SECRET = Secret.of("runner-auth-test-secret-0123456789");
  private static final Duration NEVER = Duration.ofMinutes(10);

  private final LineClient unsigned =
      new LineClient(Duration.ofSeconds(2), Duration.ofSeconds(10));
  private final LineClient signed = new LineClient(Duration.ofSeconds(2), Duration.ofSeconds(10),
      Optional.of(new RequestSigner(SECRET)));
  private final LogRecorder logs = LogRecorder.record();
  private GitRepoFixture fixture;
  private RepositoryCheckout checkout;
  private FakeDispatcher dispatcher;
  private RunnerService runner;

  @BeforeEach
  void setUp() throws IOException {
    fixture = GitRepoFixture.createWithBasicTests();
    checkout = RepositoryCheckout.open(fixture.cloneTo("runner"));
    dispatcher = FakeDispatcher.start(ServerOptions.DEFAULT.withSecret(Optional.of(SECRET)));
  }

  @AfterEach
  void tearDown() {
    try {
      if (runner != null) {
        runner.close();
      }
      dispatcher.close();
      dispatcher.assertNoMoreRequests();
      RunnerThreads.awaitNoneAlive();
    } finally {
      logs.close();
      fixture.close();
    }
  }

  private RunnerService start(Secret secret) throws IOException {
    runner = new RunnerService(new RunnerSettings("localhost", PortRange.of(0),
        dispatcher.address(), NEVER, Optional.of(secret)), checkout,
        FakeTestExecutor.immediate(), Ticker.SYSTEM, RunnerServiceTest.TEST_BACKOFF);
    runner.start();
    return runner;
  }

  private HostAndPort runnerAddress() {
    return new HostAndPort("localhost", runner.localAddress().getPort());
  }

  @Test
  void signsItsRegistrationAndResultsForADispatcherWithTheSameSecret() throws Exception {
    start(SECRET);
    assertThat(dispatcher.takeRequest())
        .isEqualTo(new Register("localhost", runner.localAddress().getPort()));
    CommitId commit = new CommitId(fixture.head());

    assertThat(signed.send(runnerAddress(), new Ping())).isEqualTo(Reply.PONG);
    assertThat(signed.send(runnerAddress(), new RunTest(commit))).isEqualTo(Reply.OK);

    assertThat(dispatcher.takeRequest())
        .isEqualTo(new Results(commit, FakeTestExecutor.summaryOf(commit).report()));
    logs.awaitLine("INFO delivered results for commit " + commit);
  }

  @Test
  void refusesUnsignedPingAndRuntestWithUnauthorizedAndTestsNothing() throws Exception {
    start(SECRET);
    dispatcher.takeRequest(); // its registration
    CommitId commit = new CommitId(fixture.head());

    assertThat(unsigned.send(runnerAddress(), new Ping())).isEqualTo(Reply.UNAUTHORIZED);
    assertThat(unsigned.send(runnerAddress(), new RunTest(commit)))
        .isEqualTo(Reply.UNAUTHORIZED);

    // a signed request afterwards is served, and nothing was started by the refused runtest
    assertThat(signed.send(runnerAddress(), new Ping())).isEqualTo(Reply.PONG);
    assertThat(logs.lines()).noneMatch(line -> line.contains("started testing"));
    assertThat(checkout.outbox()).isEmptyDirectory();
  }

  @Test
  void withAWrongSecretKeepsRetryingRegistrationAndNeverRegisters() throws Exception {
    start(Secret.of("not-the-dispatcher-secret-0123456789"));

    // the first attempt warns; the retries (every 20-200 ms here) log at DEBUG
    assertThat(logs.awaitLine("WARN dispatcher " + dispatcher.address()))
        .isEqualTo("WARN dispatcher " + dispatcher.address()
            + " answered 'Unauthorized' to register; retrying registration");

    assertThat(dispatcher.pollRequest(Duration.ofMillis(500))).isNull();
    assertThat(logs.lines()).noneMatch(line -> line.startsWith("INFO registered with"));
  }
}
