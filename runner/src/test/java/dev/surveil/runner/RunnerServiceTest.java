package dev.surveil.runner;

import static dev.surveil.runner.RunnerFixture.NEVER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.surveil.net.LineClient;
import dev.surveil.protocol.Claim;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Ping;
import dev.surveil.protocol.Register;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Results;
import dev.surveil.protocol.RunTest;
import dev.surveil.protocol.Status;
import dev.surveil.testing.FakeDispatcher;
import dev.surveil.testing.LogRecorder;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RunnerServiceTest {
  @RegisterExtension
  final RunnerFixture fixture = RunnerFixture.create();
  private final LineClient client = fixture.client();
  private final FakeDispatcher dispatcher = fixture.dispatcher();
  private final LogRecorder logs = fixture.logs();
  private RunnerService runner;

  private RunnerService runner(PortRange ports, FakeTestExecutor executor) throws IOException {
    runner = fixture.build(fixture.settings(ports, NEVER), executor);
    return runner;
  }

  @Test
  void registersWithTheBoundPortAndDeliversTheResultsOfARunTest() throws Exception {
    runner(PortRange.of(0), FakeTestExecutor.immediate()).start();
    int port = runner.localAddress().getPort();
    assertThat(dispatcher.takeRequest()).isEqualTo(
        new Register(new HostAndPort("localhost", port)));

    CommitId commit = new CommitId(fixture.repo().head());
    assertThat(client.send(fixture.runnerAddress(), new RunTest(commit))).isEqualTo(Reply.OK);

    assertThat(dispatcher.takeRequest())
        .isEqualTo(new Results(commit, FakeTestExecutor.summaryOf(commit).report()));
    assertThat(logs.awaitLine("INFO delivered"))
        .isEqualTo("INFO delivered results for commit " + commit);
    assertThat(fixture.checkout().outbox()).isEmptyDirectory();
    assertThat(logs.lines()).contains("INFO runner listening on localhost:" + port,
        "INFO registered with dispatcher " + dispatcher.address(),
        "INFO started testing commit " + commit)
        .anyMatch(line -> line.matches("INFO checked out commit " + commit + " in \\d+ ms"))
        .anyMatch(line -> line.startsWith("INFO finished testing commit " + commit
            + " outcome=PASSED tests=1 passed=1 failed=0 skipped=0 duration=7ms"));
  }

  @Test
  void answersBusyWhileTestingAndPongToPings() throws Exception {
    FakeTestExecutor executor = FakeTestExecutor.blockingUntil(fixture.release());
    CommitId commit = startTestingHead(executor);
    CommitId another = new CommitId("f".repeat(40));
    assertThat(client.send(fixture.runnerAddress(), new RunTest(another))).isEqualTo(Reply.BUSY);
    // the dispatcher asking again about the commit being tested: it is, and no second job starts
    assertThat(client.send(fixture.runnerAddress(), new RunTest(commit))).isEqualTo(Reply.OK);
    assertThat(client.send(fixture.runnerAddress(), new Ping())).isEqualTo(Reply.PONG);
    assertThat(client.send(fixture.runnerAddress(), new Status())).isEqualTo(Reply.INVALID_COMMAND);
    assertThat(executor.started).as("jobs started since the first").isEmpty();

    fixture.release().countDown();
    assertThat(dispatcher.takeRequest()).isInstanceOf(Results.class);
  }

  @Test
  void asksTheDispatcherBeforeTestingAndTestsNothingWhenTheCommitIsNoLongerItsOwn()
      throws Exception {
    FakeTestExecutor executor = FakeTestExecutor.immediate();
    runner(PortRange.of(0), executor).start();
    assertThat(dispatcher.takeRequest()).isEqualTo(fixture.registration());
    CommitId late = new CommitId(fixture.repo().head());
    dispatcher.replyTo(Claim.class, Reply.NOT_ASSIGNED);

    assertThat(client.send(fixture.runnerAddress(), new RunTest(late))).isEqualTo(Reply.OK);

    assertThat(dispatcher.takeClaim()).isEqualTo(new Claim(late, new HostAndPort("localhost",
        runner.localAddress().getPort())));
    assertThat(logs.awaitLine("WARN not testing commit " + late)).isEqualTo("WARN not testing"
        + " commit " + late + ": dispatcher " + dispatcher.address() + " gave it to another"
        + " runner (this runner took the offer too late)");
    assertThat(executor.started).isEmpty();

    dispatcher.replyTo(Claim.class, Reply.OK);
    // BUSY until the ended job has let go of the runner, a moment after its log line
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        client.send(fixture.runnerAddress(), new RunTest(late)) == Reply.OK);
    assertThat(dispatcher.takeClaim().commit()).isEqualTo(late);
    assertThat(dispatcher.takeRequest()).isInstanceOf(Results.class);
    assertThat(executor.started.poll(10, TimeUnit.SECONDS)).isNotNull();
  }

  @Test
  void takesTheFirstFreePortOfItsRange() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("localhost", 0));
      int first = taken.getLocalPort();
      PortRange range = new PortRange(first, Math.min(first + 20, 65535));

      runner(range, FakeTestExecutor.immediate()).start();

      int port = runner.localAddress().getPort();
      assertThat(port).isGreaterThan(first).isLessThanOrEqualTo(range.last());
      assertThat(dispatcher.takeRequest())
          .isEqualTo(new Register(new HostAndPort("localhost", port)));
    }
  }

  @Test
  void failsWhenItsOnlyPortIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("localhost", 0));
      int port = taken.getLocalPort();

      RunnerService service = runner(PortRange.of(port), FakeTestExecutor.immediate());

      assertThatThrownBy(service::start).isInstanceOf(BindException.class)
          .hasMessageContaining("in use");
    }
  }

  @Test
  void retriesARegistrationTheDispatcherRefuses() throws Exception {
    dispatcher.replyWith(Reply.INVALID_COMMAND);
    runner(PortRange.of(0), FakeTestExecutor.immediate()).start();
    assertThat(dispatcher.takeRequest()).isInstanceOf(Register.class);
    assertThat(logs.awaitLine("WARN")).isEqualTo("WARN dispatcher " + dispatcher.address()
        + " answered 'Invalid command' to register; retrying registration");

    dispatcher.replyWith(Reply.OK);

    logs.awaitLine("INFO registered with dispatcher " + dispatcher.address());
    runner.close();
    assertThat(logs.linesStartingWith("WARN")).hasSize(1);
    dispatcher.discardRequests(); // the refused attempts
  }

  @Test
  void closeInterruptsARunningTestAndReportsNothing() throws Exception {
    FakeTestExecutor executor = FakeTestExecutor.blockingUntil(fixture.release());
    CommitId commit = startTestingHead(executor);

    runner.close();

    assertThat(executor.interrupted.poll(10, TimeUnit.SECONDS)).isEqualTo(commit);
    runner.awaitStop();
    RunnerThreads.awaitNoneAlive();
    dispatcher.stop(); // ends every exchange under way: whatever the runner sent has arrived
    assertThat(dispatcher.drainRequests()).isEmpty();
    assertThat(fixture.checkout().outbox()).isEmptyDirectory();
  }

  /** Starts the runner, lets it register, and has it start testing HEAD with {@code executor}. */
  private CommitId startTestingHead(FakeTestExecutor executor) throws Exception {
    runner(PortRange.of(0), executor).start();
    dispatcher.takeRequest();
    CommitId commit = new CommitId(fixture.repo().head());
    assertThat(client.send(fixture.runnerAddress(), new RunTest(commit))).isEqualTo(Reply.OK);
    assertThat(executor.started.poll(10, TimeUnit.SECONDS)).isNotNull();
    return commit;
  }
}
