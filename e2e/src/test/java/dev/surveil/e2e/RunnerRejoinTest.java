package dev.surveil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.surveil.net.LineClient;
import dev.surveil.net.ServerOptions;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Dispatch;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Reply;
import dev.surveil.runner.execution.Outcome;
import dev.surveil.runner.execution.TestRunSummary;
import dev.surveil.testing.LogRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Exactly-once with Surveil's own dispatcher (issue 10): a runner that holds an undelivered
 * report while its dispatcher restarts from its journal delivers the report before it registers
 * again, so the restarted dispatcher, which still has the commit assigned to the runner, never
 * takes the registration as "the runner lost it" and never has the commit tested again. A real
 * dispatcher and runner in this JVM; the runner's tests block until the test releases them.
 */
class RunnerRejoinTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final BlockingQueue<CommitId> tested = new LinkedBlockingQueue<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private InProcessServers servers;
  private LogRecorder logs;

  @AfterEach
  void tearDown() {
    release.countDown();
    if (servers != null) {
      servers.close();
    }
  }

  private TestRunSummary test(Path checkout, CommitId commit) throws InterruptedException {
    tested.add(commit);
    release.await();
    return new TestRunSummary(commit, Outcome.PASSED, List.of(), "", Duration.ofMillis(1));
  }

  private String awaitLog(String prefix) {
    await("a log line starting with '" + prefix + "'").atMost(WAIT)
        .until(() -> !logs.messagesStartingWith(prefix).isEmpty());
    return logs.messagesStartingWith(prefix).get(0);
  }

  @Test
  void aRestartedDispatcherGetsTheReportBeforeTheRunnerRegistersAgainAndTheCommitIsTestedOnce()
      throws Exception {
    servers = new InProcessServers(ServerOptions.DEFAULT, checkout -> this::test);
    logs = servers.logs();
    HostAndPort address = servers.dispatcher();
    String runnerAddress = servers.runner().toString();
    awaitLog("registered runner " + runnerAddress);
    CommitId commit = new CommitId(servers.repo().commitTrivialChange("tested once"));
    LineClient client = new LineClient(Duration.ofSeconds(2), Duration.ofSeconds(10));
    assertThat(client.send(address, new Dispatch(commit))).isEqualTo(Reply.OK);
    assertThat(tested.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(commit);
    awaitLog("dispatched commit " + commit + " to runner " + runnerAddress);

    servers.closeDispatcher(); // the journal has the commit assigned to the runner
    release.countDown();
    awaitLog("cannot deliver results for commit " + commit);
    int registrations = logs.messagesStartingWith("registered with dispatcher").size();
    servers.restartDispatcher();

    assertThat(awaitLog("stored result for commit " + commit)).matches(Pattern.quote(
        "stored result for commit " + commit + " from runner " + runnerAddress
        + " sent from 127.0.0.1:") + "\\d+" + Pattern.quote(" in "
        + servers.resultsDir().resolve(commit.value())));
    await("the runner registers again").atMost(WAIT).until(() ->
        logs.messagesStartingWith("registered with dispatcher").size() > registrations);
    List<String> lines = logs.lines();
    assertThat(indexOf(lines, "INFO delivered results for commit " + commit))
        .as("delivered before registering again")
        .isLessThan(lastIndexOf(lines, "INFO registered with dispatcher"));
    assertThat(tested.poll(2, TimeUnit.SECONDS)).as("tested again").isNull();
    assertThat(logs.messagesStartingWith("runner " + runnerAddress + " registered again while"))
        .isEmpty();
    assertThat(Files.readString(servers.resultsDir().resolve(commit.value())))
        .contains(commit.value());
  }

  private static int indexOf(List<String> lines, String prefix) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(prefix)) {
        return i;
      }
    }
    throw new AssertionError("no line starting with '" + prefix + "' in " + lines);
  }

  private static int lastIndexOf(List<String> lines, String prefix) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines.get(i).startsWith(prefix)) {
        return i;
      }
    }
    throw new AssertionError("no line starting with '" + prefix + "' in " + lines);
  }
}
