package dev.surveil.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.surveil.net.HostAndPort;
import dev.surveil.net.LineClient;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Ping;
import dev.surveil.protocol.Register;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Results;
import dev.surveil.protocol.RunTest;
import dev.surveil.protocol.Status;
import dev.surveil.time.Ticker;
import dev.surveil.testing.GitRepoFixture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RunnerServiceTest {
  private static final Duration NEVER = Duration.ofMinutes(10);
  /** Retries as the runner does, only faster. */
  static final Backoff TEST_BACKOFF = new Backoff(Duration.ofMillis(20), Duration.ofMillis(200));

  private final LineClient client = new LineClient(Duration.ofSeconds(2), Duration.ofSeconds(10));
  private final CountDownLatch release = new CountDownLatch(1);
  private GitRepoFixture fixture;
  private RepositoryCheckout checkout;
  private FakeDispatcher dispatcher;
  private RunnerService runner;

  @BeforeEach
  void setUp() throws IOException {
    fixture = GitRepoFixture.createWithBasicTests();
    checkout = RepositoryCheckout.open(fixture.cloneTo("runner"));
    dispatcher = FakeDispatcher.start();
  }

  @AfterEach
  void tearDown() {
    release.countDown();
    try {
      if (runner != null) {
        runner.close();
      }
      dispatcher.close();
      dispatcher.assertNoMoreRequests();
      RunnerThreads.awaitNoneAlive();
    } finally {
      fixture.close();
    }
  }

  private RunnerService runner(PortRange ports, HostAndPort dispatcherAddress,
      Duration checkInterval, FakeTestExecutor executor) throws IOException {
    runner = new RunnerService(
        new RunnerSettings("localhost", ports, dispatcherAddress, checkInterval), checkout,
        executor, Ticker.SYSTEM, TEST_BACKOFF);
    return runner;
  }

  private HostAndPort runnerAddress() {
    return new HostAndPort("localhost", runner.localAddress().getPort());
  }

  @Test
  void registersWithTheBoundPortAndDeliversTheResultsOfARunTest() throws Exception {
    try (LogRecorder logs = LogRecorder.record()) {
      runner(PortRange.of(0), dispatcher.address(), NEVER, FakeTestExecutor.immediate()).start();
      int port = runner.localAddress().getPort();
      assertThat(dispatcher.takeRequest()).isEqualTo(new Register("localhost", port));

      CommitId commit = new CommitId(fixture.head());
      assertThat(client.send(runnerAddress(), new RunTest(commit))).isEqualTo(Reply.OK);

      assertThat(dispatcher.takeRequest())
          .isEqualTo(new Results(commit, FakeTestExecutor.summaryOf(commit).report()));
      assertThat(logs.awaitLine("INFO delivered"))
          .isEqualTo("INFO delivered results for commit " + commit);
      assertThat(checkout.outbox()).isEmptyDirectory();
      assertThat(logs.lines()).contains("INFO runner listening on localhost:" + port,
          "INFO registered with dispatcher " + dispatcher.address(),
          "INFO started testing commit " + commit)
          .anyMatch(line -> line.matches("INFO checked out commit " + commit + " in \\d+ ms"))
          .anyMatch(line -> line.startsWith("INFO finished testing commit " + commit
              + " outcome=PASSED tests=1 passed=1 failed=0 skipped=0 duration=7ms"));
    }
  }

  @Test
  void answersBusyWhileTestingAndPongToPings() throws Exception {
    FakeTestExecutor executor = FakeTestExecutor.blockingUntil(release);
    runner(PortRange.of(0), dispatcher.address(), NEVER, executor).start();
    dispatcher.takeRequest();
    CommitId commit = new CommitId(fixture.head());

    assertThat(client.send(runnerAddress(), new RunTest(commit))).isEqualTo(Reply.OK);
    assertThat(executor.started.poll(10, TimeUnit.SECONDS)).isNotNull();
    assertThat(client.send(runnerAddress(), new RunTest(commit))).isEqualTo(Reply.BUSY);
    assertThat(client.send(runnerAddress(), new Ping())).isEqualTo(Reply.PONG);
    assertThat(client.send(runnerAddress(), new Status())).isEqualTo(Reply.INVALID_COMMAND);

    release.countDown();
    assertThat(dispatcher.takeRequest()).isInstanceOf(Results.class);
  }

  @Test
  void takesTheFirstFreePortOfItsRange() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("localhost", 0));
      int first = taken.getLocalPort();
      PortRange range = new PortRange(first, Math.min(first + 20, 65535));

      runner(range, dispatcher.address(), NEVER, FakeTestExecutor.immediate()).start();

      int port = runner.localAddress().getPort();
      assertThat(port).isGreaterThan(first).isLessThanOrEqualTo(range.last());
      assertThat(dispatcher.takeRequest()).isEqualTo(new Register("localhost", port));
    }
  }

  @Test
  void failsWhenItsOnlyPortIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("localhost", 0));
      int port = taken.getLocalPort();

      RunnerService service = runner(PortRange.of(port), dispatcher.address(), NEVER,
          FakeTestExecutor.immediate());

      assertThatThrownBy(service::start).isInstanceOf(IOException.class)
          .hasMessageStartingWith("cannot listen on localhost port " + port + ": ");
    }
  }

  @Test
  void retriesARegistrationTheDispatcherRefuses() throws Exception {
    dispatcher.replyWith(Reply.INVALID_COMMAND);
    try (LogRecorder logs = LogRecorder.record()) {
      runner(PortRange.of(0), dispatcher.address(), NEVER, FakeTestExecutor.immediate()).start();
      assertThat(dispatcher.takeRequest()).isInstanceOf(Register.class);
      assertThat(logs.awaitLine("WARN")).isEqualTo("WARN dispatcher " + dispatcher.address()
          + " answered 'Invalid command' to register; retrying registration");

      dispatcher.replyWith(Reply.OK);

      logs.awaitLine("INFO registered with dispatcher " + dispatcher.address());
      runner.close();
      assertThat(logs.linesStartingWith("WARN")).hasSize(1);
    }
    dispatcher.discardRequests(); // the refused attempts
  }

  @Test
  void closeInterruptsARunningTestAndReportsNothing() throws Exception {
    FakeTestExecutor executor = FakeTestExecutor.blockingUntil(release);
    runner(PortRange.of(0), dispatcher.address(), NEVER, executor).start();
    dispatcher.takeRequest();
    CommitId commit = new CommitId(fixture.head());
    assertThat(client.send(runnerAddress(), new RunTest(commit))).isEqualTo(Reply.OK);
    assertThat(executor.started.poll(10, TimeUnit.SECONDS)).isNotNull();

    runner.close();

    assertThat(executor.interrupted.poll(10, TimeUnit.SECONDS)).isEqualTo(commit);
    runner.awaitStop();
    RunnerThreads.awaitNoneAlive();
    assertThat(dispatcher.pollRequest(Duration.ofMillis(300))).isNull();
    assertThat(checkout.outbox()).isEmptyDirectory();
  }
}
