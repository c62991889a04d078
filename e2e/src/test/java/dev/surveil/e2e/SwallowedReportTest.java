package dev.surveil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.dispatcher.DispatcherService;
import dev.surveil.dispatcher.DispatcherSettings;
import dev.surveil.net.LineClient;
import dev.surveil.net.ServerOptions;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Dispatch;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Reply;
import dev.surveil.runner.PortRange;
import dev.surveil.runner.RepositoryCheckout;
import dev.surveil.runner.RunnerService;
import dev.surveil.runner.RunnerSettings;
import dev.surveil.runner.execution.Outcome;
import dev.surveil.runner.execution.TestRunSummary;
import dev.surveil.testing.GitRepoFixture;
import dev.surveil.testing.LogRecorder;
import dev.surveil.testing.ManInTheMiddle;
import dev.surveil.time.Ticker;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 4: a commit whose runner is alive but whose result never arrives is not "being
 * tested" for ever. Without a secret, someone between the runner and the dispatcher answers
 * {@code OK} to the runner's {@code results} and drops them: the runner deletes its report. After
 * the result timeout the dispatcher asks the runner again with {@code runtest}; the runner no
 * longer has the commit, tests it again, and this time the report gets through. A real dispatcher
 * and runner in this JVM; the runner's tests are instant.
 */
class SwallowedReportTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final GitRepoFixture repo = GitRepoFixture.createWithBasicTests();
  private final LogRecorder logs = LogRecorder.record("dev.surveil");
  private final Path resultsDir = repo.root().resolve("test_results");
  private final BlockingQueue<CommitId> tested = new LinkedBlockingQueue<>();
  private final AtomicInteger runs = new AtomicInteger();
  private DispatcherService dispatcher;
  private ManInTheMiddle middle;
  private RunnerService runner;
  private RepositoryCheckout checkout;

  @AfterEach
  void tearDown() {
    try (LogRecorder ignored = logs; GitRepoFixture ignored2 = repo) {
      for (AutoCloseable part : new AutoCloseable[] {runner, checkout, middle, dispatcher}) {
        try {
          if (part != null) {
            part.close();
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  private TestRunSummary test(Path clone, CommitId commit) {
    tested.add(commit);
    return new TestRunSummary(commit, Outcome.PASSED, List.of(), "run " + runs.incrementAndGet(),
        Duration.ofMillis(1));
  }

  @Test
  void anOverdueResultMakesTheDispatcherAskTheRunnerWhichTestsTheCommitAgain() throws Exception {
    dispatcher = new DispatcherService(new DispatcherSettings(
        new InetSocketAddress("127.0.0.1", 0), resultsDir, Duration.ofMillis(200),
        Duration.ofSeconds(2), ServerOptions.DEFAULT).withResultTimeout(Duration.ofSeconds(2)));
    dispatcher.start();
    HostAndPort address = new HostAndPort("127.0.0.1", dispatcher.localAddress().getPort());
    middle = ManInTheMiddle.start(address.toSocketAddress(), false);
    middle.swallowResults(true);
    checkout = RepositoryCheckout.open(repo.cloneTo("runner"));
    runner = new RunnerService(new RunnerSettings("127.0.0.1", PortRange.of(0),
        new HostAndPort("127.0.0.1", middle.localAddress().getPort()), Duration.ofSeconds(10)),
        checkout, this::test, Ticker.SYSTEM);
    runner.start();
    String runnerAddress = "127.0.0.1:" + runner.localAddress().getPort();
    logs.awaitLine("INFO registered runner " + runnerAddress);
    CommitId commit = new CommitId(repo.commitTrivialChange("its report is swallowed"));

    assertThat(new LineClient(Duration.ofSeconds(2), Duration.ofSeconds(10))
        .send(address, new Dispatch(commit))).isEqualTo(Reply.OK);
    assertThat(tested.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(commit);
    logs.awaitLine("INFO delivered results for commit " + commit); // to the man in the middle
    assertThat(middle.swallowed()).isEqualTo(1);
    middle.swallowResults(false);

    assertThat(tested.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).as("tested again")
        .isEqualTo(commit);
    logs.awaitLine("INFO stored result for commit " + commit);
    assertThat(Files.readString(resultsDir.resolve(commit.value()))).contains("run 2")
        .doesNotContain("run 1");
    assertThat(logs.lines()).contains("INFO no result for commit " + commit + " from runner "
        + runnerAddress + " after 2s; the runner says it has it, waiting 2s more");
    assertThat(tested.poll(3, TimeUnit.SECONDS)).as("tested a third time").isNull();
  }
}
