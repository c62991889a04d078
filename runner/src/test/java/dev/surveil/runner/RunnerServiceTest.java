package dev.surveil.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.surveil.net.HostAndPort;
import dev.surveil.net.LineClient;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Ping;
import dev.surveil.protocol.Register;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Results;
import dev.surveil.protocol.RunTest;
import dev.surveil.protocol.Status;
import dev.surveil.runner.RunnerService.StopReason;
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
      Duration checkInterval, FakeTestExecutor executor) {
    runner = new RunnerService(
        new RunnerSettings("localhost", ports, dispatcherAddress, checkInterval), checkout,
        executor, Ticker.SYSTEM);
    return runner;
  }

  private HostAndPort runnerAddress() {
    return new HostAndPort("localhost", runner.localAddress().getPort());
  }

  @Test
  void registersWithTheBoundPortAndReportsTheResultsOfARunTest() throws Exception {
    runner(PortRange.of(0), dispatcher.address(), NEVER, FakeTestExecutor.immediate()).start();
    int port = runner.localAddress().getPort();
    assertThat(dispatcher.takeRequest()).isEqualTo(new Register("localhost", port));

    CommitId commit = new CommitId(fixture.head());
    assertThat(client.send(runnerAddress(), new RunTest(commit))).isEqualTo(Reply.OK);

    assertThat(dispatcher.takeRequest())
        .isEqualTo(new Results(commit, FakeTestExecutor.summaryOf(commit).report()));
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
  void failsWithOneLineWhenTheDispatcherIsUnreachable() {
    HostAndPort address = dispatcher.address();
    dispatcher.close();
    RunnerService service = runner(PortRange.of(0), address, NEVER, FakeTestExecutor.immediate());

    assertThatThrownBy(service::start).isInstanceOf(IOException.class)
        .hasMessage("cannot register with dispatcher " + address
            + ": Connection refused; is the dispatcher running?");
  }

  @Test
  void failsWhenTheDispatcherRefusesTheRegistration() throws Exception {
    dispatcher.replyWith(Reply.INVALID_COMMAND);
    RunnerService service = runner(PortRange.of(0), dispatcher.address(), NEVER,
        FakeTestExecutor.immediate());

    assertThatThrownBy(service::start).isInstanceOf(IOException.class)
        .hasMessage("cannot register with dispatcher " + dispatcher.address()
            + ": it answered 'Invalid command'");
    assertThat(dispatcher.takeRequest()).isInstanceOf(Register.class);
  }

  @Test
  void shutsDownWhenTheDispatcherIsGone() throws Exception {
    runner(PortRange.of(0), dispatcher.address(), Duration.ofMillis(200),
        FakeTestExecutor.immediate()).start();
    assertThat(dispatcher.takeRequest()).isInstanceOf(Register.class);

    dispatcher.close();

    StopReason reason = assertTimeoutPreemptively(Duration.ofSeconds(10), runner::awaitStop);
    assertThat(reason).isEqualTo(StopReason.DISPATCHER_GONE);
    while (dispatcher.pollRequest(Duration.ZERO) != null) {
      // status checks answered before the dispatcher closed
    }
    RunnerThreads.awaitNoneAlive();
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
    assertThat(runner.awaitStop()).isEqualTo(StopReason.CLOSED);
    RunnerThreads.awaitNoneAlive();
    assertThat(dispatcher.pollRequest(Duration.ofMillis(300))).isNull();
  }
}
