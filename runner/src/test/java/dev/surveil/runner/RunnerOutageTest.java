package dev.surveil.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.surveil.net.LineClient;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Ping;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Request;
import dev.surveil.protocol.Results;
import dev.surveil.protocol.RunTest;
import dev.surveil.protocol.Status;
import dev.surveil.testing.FakeDispatcher;
import dev.surveil.testing.LogRecorder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A real runner on real sockets while its dispatcher goes away and comes back. */
class RunnerOutageTest {
  private static final Duration CHECK_INTERVAL = Duration.ofMillis(300);

  @RegisterExtension
  final RunnerFixture fixture = RunnerFixture.create();
  private final LineClient client = fixture.client();
  private final CountDownLatch release = fixture.release();
  private final RepositoryCheckout checkout = fixture.checkout();
  private final FakeDispatcher dispatcher = fixture.dispatcher();
  private final LogRecorder logs = fixture.logs();

  private void start(FakeTestExecutor executor) throws IOException {
    fixture.start(fixture.settings(PortRange.of(0), CHECK_INTERVAL), executor);
  }

  /** Stops the runner, then forgets the status checks and registrations it made meanwhile. */
  private void stopRunnerAndForgetItsChecks() {
    fixture.closeRunner();
    dispatcher.discardRequests();
  }

  @Test
  void keepsTheReportOfAJobThatEndsWhileTheDispatcherIsDownThenDeliversItAndRegisters()
      throws Exception {
    start(FakeTestExecutor.blockingUntil(release));
    assertThat(dispatcher.takeRequest()).isEqualTo(fixture.registration());
    CommitId commit = new CommitId(fixture.repo().head());
    assertThat(client.send(fixture.runnerAddress(), new RunTest(commit))).isEqualTo(Reply.OK);

    dispatcher.stop();
    dispatcher.discardRequests(); // status checks and registrations while it was up are fine
    release.countDown();

    Path report = checkout.outbox().resolve(commit.value());
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(report));
    // a status check that failed meanwhile may have taken the first step of the shared backoff
    assertThat(logs.awaitLine("WARN cannot deliver")).matches(Pattern.quote("WARN cannot deliver"
        + " results for commit " + commit + " (attempt 1): dispatcher " + dispatcher.address()
        + " is unreachable (Connection refused); retrying in ") + "(20|40)ms");
    assertThat(client.send(fixture.runnerAddress(), new Ping())).as("still up")
        .isEqualTo(Reply.PONG);

    dispatcher.restart();

    assertThat(dispatcher.takeRequestSkipping(Status.class))
        .isEqualTo(new Results(commit, FakeTestExecutor.summaryOf(commit).report()));
    assertThat(dispatcher.takeRequestSkipping(Status.class)).isEqualTo(fixture.registration());
    assertThat(checkout.outbox()).isEmptyDirectory();
    assertThat(logs.linesStartingWith("WARN cannot deliver")).as("one a retry")
        .allMatch(line -> line.contains("is unreachable (Connection refused)"));
    stopRunnerAndForgetItsChecks();
  }

  @Test
  void deliversAReportLeftInItsOutboxBeforeItRegisters() throws Exception {
    CommitId commit = new CommitId(fixture.repo().head());
    Files.createDirectories(checkout.outbox());
    Files.writeString(checkout.outbox().resolve(commit.value()), "left by the last run\n");

    start(FakeTestExecutor.immediate());

    assertThat(dispatcher.takeRequest()).isEqualTo(new Results(commit, "left by the last run\n"));
    assertThat(dispatcher.takeRequest()).isEqualTo(fixture.registration());
    assertThat(checkout.outbox()).isEmptyDirectory();
    stopRunnerAndForgetItsChecks();
  }

  @Test
  void rejoinsAndTestsTheNextCommitWhileItsDispatcherRefusesAnOldReport() throws Exception {
    // as a restarted chapter dispatcher does with the result of a commit it no longer knows
    CommitId old = new CommitId("1111111111111111111111111111111111111111");
    Files.createDirectories(checkout.outbox());
    Files.writeString(checkout.outbox().resolve(old.value()), "tested before a restart\n");
    dispatcher.closeWithoutReplyToResultsOf(old);
    Results oldReport = new Results(old, "tested before a restart\n");
    fixture.start(fixture.settings(PortRange.of(0), RunnerFixture.NEVER),
        FakeTestExecutor.immediate());

    assertThat(dispatcher.takeRequest()).isEqualTo(oldReport);
    assertThat(dispatcher.takeRequest()).isEqualTo(fixture.registration());
    CommitId commit = new CommitId(fixture.repo().head());
    assertThat(client.send(fixture.runnerAddress(), new RunTest(commit))).isEqualTo(Reply.OK);

    Request next;
    do {
      next = dispatcher.takeRequest(); // the old report is retried meanwhile (1 s, 2 s, ...)
    } while (next.equals(oldReport));
    assertThat(next).isEqualTo(new Results(commit, FakeTestExecutor.summaryOf(commit).report()));
    logs.awaitLine("INFO delivered results for commit " + commit);
    assertThat(checkout.outbox().resolve(old.value())).exists();
    assertThat(checkout.outbox().resolve(commit.value())).doesNotExist();
    assertThat(logs.linesStartingWith("WARN cannot deliver results for commit " + old))
        .first().asString().contains("(attempt 1)", "refused it (connection closed by");
    stopRunnerAndForgetItsChecks();
  }

  @Test
  void startedWhileTheDispatcherIsDownItRegistersOnceTheDispatcherIsUp() throws Exception {
    dispatcher.stop();

    start(FakeTestExecutor.immediate());
    assertThat(logs.awaitLine("WARN")).isEqualTo("WARN dispatcher " + dispatcher.address()
        + " is unreachable (Connection refused); retrying registration");
    assertThat(client.send(fixture.runnerAddress(), new Ping())).as("listening")
        .isEqualTo(Reply.PONG);

    dispatcher.restart();

    assertThat(dispatcher.takeRequest()).isEqualTo(fixture.registration());
    stopRunnerAndForgetItsChecks();
  }

  @Test
  void registersAgainWhenNoLongerPingedButNotWhileTesting() throws Exception {
    start(FakeTestExecutor.blockingUntil(release));
    assertThat(dispatcher.takeRequest()).isEqualTo(fixture.registration());
    assertThat(dispatcher.takeRequest()).isEqualTo(new Status());
    assertThat(dispatcher.takeRequest()).isEqualTo(fixture.registration());
    CommitId commit = new CommitId(fixture.repo().head());
    try (LogRecorder debug = LogRecorder.record("dev.surveil.runner", Level.DEBUG)) {
      assertThat(client.send(fixture.runnerAddress(), new RunTest(commit))).isEqualTo(Reply.OK);

      // it would register again, but waits for the job: status checks only, no register
      debug.awaitLine("DEBUG a test job runs; registering once it is done");
    }
    assertThat(dispatcher.drainRequests()).as("requests while testing")
        .allMatch(request -> request instanceof Status);

    release.countDown();
    assertThat(dispatcher.takeRequest())
        .isEqualTo(new Results(commit, FakeTestExecutor.summaryOf(commit).report()));
    assertThat(dispatcher.takeRequest()).isEqualTo(fixture.registration());
    stopRunnerAndForgetItsChecks();
  }
}
