package dev.surveil.runner;

import static dev.surveil.runner.RunnerFixture.NEVER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.surveil.net.LineClient;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Results;
import dev.surveil.protocol.RunTest;
import dev.surveil.runner.execution.JUnitSourceExecutor;
import dev.surveil.runner.execution.TestExecutor;
import dev.surveil.testing.FakeDispatcher;
import dev.surveil.testing.GitRepoFixture;
import dev.surveil.testing.LogRecorder;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The graceful stop of SIGTERM and Ctrl-C, on a real runner. */
class RunnerStopTest {
  @RegisterExtension
  final RunnerFixture fixture = RunnerFixture.create();
  private final LineClient client = fixture.client();
  private final CountDownLatch release = fixture.release();
  private final ExecutorService background = Executors.newSingleThreadExecutor();
  private final GitRepoFixture repo = fixture.repo();
  private final RepositoryCheckout checkout = fixture.checkout();
  private final FakeDispatcher dispatcher = fixture.dispatcher();
  private final LogRecorder logs = fixture.logs();
  private RunnerService runner;

  /** Runs before the fixture closes the dispatcher and checks that no runner thread is left. */
  @AfterEach
  void tearDown() throws InterruptedException {
    try {
      fixture.closeRunner();
    } finally {
      background.shutdownNow();
    }
    assertThat(background.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    await("no test JVM left").atMost(Duration.ofSeconds(15))
        .until(() -> ProcessHandle.current().descendants().noneMatch(ProcessHandle::isAlive));
  }

  private void startRegistered(TestExecutor executor) throws Exception {
    runner = fixture.start(fixture.settings(PortRange.of(0), NEVER), executor);
    assertThat(dispatcher.takeRequest()).isEqualTo(fixture.registration());
  }

  @Test
  void finishesAndDeliversTheRunningJobThenStops() throws Exception {
    FakeTestExecutor executor = FakeTestExecutor.blockingUntil(release);
    startRegistered(executor);
    CommitId commit = new CommitId(repo.head());
    assertThat(client.send(fixture.runnerAddress(), new RunTest(commit))).isEqualTo(Reply.OK);
    assertThat(executor.started.poll(10, TimeUnit.SECONDS)).isNotNull();

    Future<?> stopping = background.submit(() -> runner.stop(Duration.ofSeconds(30)));
    assertThat(logs.awaitLine("INFO stopping")).isEqualTo(
        "INFO stopping: waiting up to 30s for commit " + commit + " to finish");
    assertThat(client.send(fixture.runnerAddress(), new RunTest(commit))).isEqualTo(Reply.BUSY);

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
    repo.commitFixture("slow", "add a slow test");
    CommitId commit = new CommitId(repo.commit("make it slower",
        Map.of("slow-millis", "120000")));
    startRegistered(new JUnitSourceExecutor(Duration.ofMinutes(5), checkout.workRoot()));
    assertThat(client.send(fixture.runnerAddress(), new RunTest(commit))).isEqualTo(Reply.OK);
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
    dispatcher.stop(); // ends every exchange under way: whatever the runner sent has arrived
    assertThat(dispatcher.drainRequests()).as("no report").isEmpty();
    assertThat(checkout.outbox()).isEmptyDirectory();
  }

  @Test
  void stopsAtOnceWhenIdleAndKeepsAReportItCannotDeliverForTheNextStart() throws Exception {
    CommitId commit = new CommitId(repo.head());
    startRegistered(FakeTestExecutor.immediate());
    dispatcher.stop();
    assertThat(client.send(fixture.runnerAddress(), new RunTest(commit))).isEqualTo(Reply.OK);
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
