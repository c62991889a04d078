package dev.surveil.runner;

import static dev.surveil.runner.RunnerFixture.NEVER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.surveil.auth.RequestSigner;
import dev.surveil.auth.Secret;
import dev.surveil.net.LineClient;
import dev.surveil.net.LineServer;
import dev.surveil.net.ServerOptions;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Ping;
import dev.surveil.protocol.Register;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Results;
import dev.surveil.protocol.RunTest;
import dev.surveil.testing.FakeDispatcher;
import dev.surveil.testing.LogRecorder;
import dev.surveil.testing.ManInTheMiddle;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real runner with a secret, on real sockets, against a dispatcher stand-in that verifies
 * requests: the runner signs what it sends and refuses what is not signed with its secret.
 */
class RunnerAuthTest {
  private static final Secret SECRET = Secret.of("runner-auth-test-secret-0123456789");

  @RegisterExtension
  final RunnerFixture fixture =
      RunnerFixture.create(ServerOptions.DEFAULT.withSecret(Optional.of(SECRET)));
  private final LineClient unsigned =
      new LineClient(Duration.ofSeconds(2), Duration.ofSeconds(10));
  private final LineClient signed = new LineClient(Duration.ofSeconds(2), Duration.ofSeconds(10),
      Optional.of(new RequestSigner(SECRET)));
  private final FakeDispatcher dispatcher = fixture.dispatcher();
  private final LogRecorder logs = fixture.logs();

  private void start(Secret secret) throws IOException {
    fixture.start(fixture.settings(PortRange.of(0), NEVER, Optional.of(secret)),
        FakeTestExecutor.immediate());
  }

  @Test
  void signsItsRegistrationAndResultsForADispatcherWithTheSameSecret() throws Exception {
    start(SECRET);
    assertThat(dispatcher.takeRequest()).isEqualTo(fixture.registration());
    CommitId commit = new CommitId(fixture.repo().head());

    assertThat(signed.send(fixture.runnerAddress(), new Ping())).isEqualTo(Reply.PONG);
    assertThat(signed.send(fixture.runnerAddress(), new RunTest(commit))).isEqualTo(Reply.OK);

    assertThat(dispatcher.takeRequest())
        .isEqualTo(new Results(commit, FakeTestExecutor.summaryOf(commit).report()));
    logs.awaitLine("INFO delivered results for commit " + commit);
  }

  @Test
  void keepsAReportThatAManInTheMiddleAnsweredOkUnsignedAndDeliversItLater() throws Exception {
    try (ManInTheMiddle middle = ManInTheMiddle.start(
        dispatcher.address().toSocketAddress(), true)) {
      HostAndPort throughMiddle = new HostAndPort("localhost", middle.localAddress().getPort());
      fixture.start(new RunnerSettings("localhost", PortRange.of(0), throughMiddle, NEVER,
          Optional.of(SECRET)), FakeTestExecutor.immediate());
      assertThat(dispatcher.takeRequest()).isEqualTo(fixture.registration());
      CommitId commit = new CommitId(fixture.repo().head());
      middle.swallowResults(true);

      assertThat(signed.send(fixture.runnerAddress(), new RunTest(commit))).isEqualTo(Reply.OK);

      logs.awaitLine("WARN cannot deliver results for commit " + commit);
      assertThat(middle.swallowed()).isPositive();
      assertThat(logs.lines()).anyMatch(line -> line.contains("reply 'OK' from " + throughMiddle
          + " is not authenticated; taken as no reply"));
      assertThat(fixture.checkout().outbox().resolve(commit.value())).exists();
      assertThat(logs.lines()).noneMatch(line -> line.contains("delivered results"));

      middle.swallowResults(false);

      assertThat(dispatcher.takeRequestSkipping(Register.class))
          .isEqualTo(new Results(commit, FakeTestExecutor.summaryOf(commit).report()));
      logs.awaitLine("INFO delivered results for commit " + commit);
      assertThat(fixture.checkout().outbox().resolve(commit.value())).doesNotExist();
      // a dispatcher that did not answer may have restarted: the runner registers again
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
          logs.lines().stream().filter(l -> l.startsWith("INFO registered with")).count() > 1);
      dispatcher.discardRequests();
    }
  }

  @Test
  void refusesUnsignedPingAndRuntestWithUnauthorizedAndTestsNothing() throws Exception {
    start(SECRET);
    dispatcher.takeRequest(); // its registration
    CommitId commit = new CommitId(fixture.repo().head());

    assertThat(unsigned.send(fixture.runnerAddress(), new Ping())).isEqualTo(Reply.UNAUTHORIZED);
    assertThat(unsigned.send(fixture.runnerAddress(), new RunTest(commit)))
        .isEqualTo(Reply.UNAUTHORIZED);

    // a signed request afterwards is served, and nothing was started by the refused runtest
    assertThat(signed.send(fixture.runnerAddress(), new Ping())).isEqualTo(Reply.PONG);
    assertThat(logs.lines()).noneMatch(line -> line.contains("started testing"));
    assertThat(fixture.checkout().outbox()).isEmptyDirectory();
  }

  @Test
  void withAWrongSecretKeepsRetryingRegistrationAndNeverRegisters() throws Exception {
    try (LogRecorder refusals = LogRecorder.record(LineServer.class.getName())) {
      start(Secret.of("not-the-dispatcher-secret-0123456789"));

      // the first attempt warns; the retries (every 20-200 ms here) log at DEBUG
      assertThat(logs.awaitLine("WARN dispatcher " + dispatcher.address()))
          .isEqualTo("WARN dispatcher " + dispatcher.address()
              + " answered 'Unauthorized' to register; retrying registration");
      // the dispatcher refused three attempts, and its handler saw none
      await().atMost(Duration.ofSeconds(10)).until(() -> refusals.lines().stream()
          .filter(line -> line.contains("sent an unauthorized request")).count() >= 3);
    }
    assertThat(dispatcher.drainRequests()).isEmpty();
    assertThat(logs.lines()).noneMatch(line -> line.startsWith("INFO registered with"));
  }
}
