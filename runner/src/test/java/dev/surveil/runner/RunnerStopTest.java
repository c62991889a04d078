package dev.surveil.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.surveil.net.HostAndPort;
import dev.surveil.net.LineClient;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Register;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Results;
import dev.surveil.protocol.RunTest;
import dev.surveil.runner.execution.JUnitSourceExecutor;
import dev.surveil.runner.execution.TestExecutor;
import dev.surveil.testing.GitRepoFixture;
import dev.surveil.time.Ticker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The graceful stop of SIGTERM and Ctrl-C, on a real runner. */
class RunnerStopTest {
  private static final Duration NEVER = Duration.ofMinutes(10);

  private final LineClient client = new LineClient(Duration.ofSeconds(2), Duration.ofSeconds(10));
  private final CountDownLatch release = new CountDownLatch(1);
  private final LogRecorder logs = LogRecorder.record();
  private final ExecutorService background = Executors.newSingleThreadExecutor();
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
  void tearDown() throws InterruptedException {
    release.countDown();
    try {
      if (runner != null) {
        runner.close();
      }
      background.shutdownNow();
      assertThat(background.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      dispatcher.close();
      dispatcher.assertNoMoreRequests();
      RunnerThreads.awaitNoneAlive();
      await("no test JVM left").atMost(Duration.ofSeconds(15))
          .until(() -> ProcessHandle.current().descendants().noneMatch(ProcessHandle::isAlive));
    } finally {
      logs.close();
      fixture.close();
    }
  }

  private void startRegistered(TestExecutor executor) throws Exception {
    runner = new RunnerService(new RunnerSettings("localhost", PortRange.of(0),
        dispatcher.address(), NEVER), checkout, executor, Ticker.SYSTEM,
        RunnerServiceTest.TEST_BACKOFF);
    runner.start();
    assertThat(dispatcher.takeRequest())
        .isEqualTo(new Register("localhost", runner.localAddress().getPort()));
  }

  private HostAndPort address() {
    return new HostAndPort("localhost", runner.localAddress().getPort());
  }

  @Test
  void finishesAndDeliversTheRunningJobThenStops() throws Exception {
    FakeTestExecutor executor = FakeTestExecutor.blockingUntil(release);
    startRegistered(executor);
    CommitId commit = new CommitId(fixture.head());
    assertThat(client.send(address(), new RunTest(commit))).isEqualTo(Reply.OK);
    assertThat(executor.started.poll(10, TimeUnit.SECONDS)).isNotNull();

    Future<?> stopping = background.submit(() -> runner.stop(Duration.ofSeconds(30)));
    assertThat(logs.awaitLine("INFO stopping")).isEqualTo(
        "INFO stopping: waiting up to 30s for commit " + commit + " to finish");
    assertThat(client.send(address(), new RunTest(commit))).isEqualTo(Reply.BUSY);

    release.countDown();

    assertThat(dispatcher.takeRequest())
        .isEqualTo(new Results(commit, FakeTestExecutor.summaryOf(commit).report()));
    stopping.get(10, TimeUnit.SECONDS);
    runner.awaitStop();
    assertThat(executor.interrupted).isEmpty();
    assertThat(checkout.outbox()).isEmptyDirectory();
  }

  @Test
  void killsAJobLongerThanTheStopTimeoutWithItsTestJvmAndStopsWithinTheLimit() throws Exception {
    fixture.commitFixture("slow", "add a slow test");
    CommitId commit = new CommitId(fixture.commit("make it slower",
        Map.of("slow-millis", "120000")));
    startRegistered(new JUnitSourceExecutor(Duration.ofMinutes(5), checkout.workRoot()));
    assertThat(client.send(address(), new RunTest(commit))).isEqualTo(Reply.OK);
    await("the test JVM to start").atMost(Duration.ofSeconds(45))
        .until(() -> ProcessHandle.current().descendants().anyMatch(ProcessHandle::isAlive));

    long start = System.nanoTime();
    runner.stop(Duration.ofSeconds(1));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(6));
    runner.awaitStop();
    // killed before stop() returned; the JVM reaps it a moment later
    await("the test JVM to be gone").atMost(Duration.ofSeconds(5))
        .until(() -> ProcessHandle.current().descendants().noneMatch(ProcessHandle::isAlive));
    assertThat(logs.lines()).contains(
        "INFO stopping: waiting up to 1s for commit " + commit + " to finish",
        "WARN commit " + commit + " did not finish within 1s; stopping its test run");
    assertThat(dispatcher.pollRequest(Duration.ofMillis(300))).as("no report").isNull();
    assertThat(checkout.outbox()).isEmptyDirectory();
  }

  @Test
  void stopsAtOnceWhenIdleAndKeepsAReportItCannotDeliverForTheNextStart() throws Exception {
    CommitId commit = new CommitId(fixture.head());
    startRegistered(FakeTestExecutor.immediate());
    dispatcher.stop();
    assertThat(client.send(address(), new RunTest(commit))).isEqualTo(Reply.OK);
    logs.awaitLine("WARN cannot deliver results for commit " + commit);

    long start = System.nanoTime();
    runner.stop(Duration.ofSeconds(30));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(checkout.outbox().resolve(commit.value()))
        .hasContent(FakeTestExecutor.summaryOf(commit).report());
    try (Stream<Path> files = Files.list(checkout.outbox())) {
      assertThat(files).hasSize(1);
    }
  }
}
