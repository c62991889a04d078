package dev.surveil.runner;

import static dev.surveil.runner.RunnerFixture.NEVER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.testing.ChapterClient;
import dev.surveil.testing.ChapterDispatcher;
import dev.surveil.testing.ChapterRequest;
import dev.surveil.testing.LogRecorder;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The runner with a {@link ChapterDispatcher} that holds every reply's connection open for
 * 15 s, longer than the runner's 10 s read timeout: the runner must take each reply as soon as it
 * is complete.
 */
class RunnerChapterDispatcherTest {
  /** Well under the runner's 10 s read timeout. */
  private static final Duration PROMPTLY = Duration.ofSeconds(5);

  @RegisterExtension
  final RunnerFixture fixture = RunnerFixture.create();
  private final LogRecorder logs = fixture.logs();
  private final ChapterDispatcher dispatcher = ChapterDispatcher.start();

  @AfterEach
  void closeDispatcher() {
    dispatcher.close();
  }

  @Test
  void registersWithAChapterDispatcherAndDeliversAResult() throws Exception {
    dispatcher.holdRepliesOpen(Duration.ofSeconds(15));
    RunnerSettings settings =
        new RunnerSettings("localhost", PortRange.of(0), dispatcher.address(), NEVER);
    RunnerService runner = fixture.start(settings, FakeTestExecutor.immediate());
    HostAndPort registered = new HostAndPort("localhost", runner.localAddress().getPort());

    await("the runner reads the dispatcher's OK to register").atMost(PROMPTLY)
        .until(() -> !logs.linesStartingWith("INFO registered with dispatcher").isEmpty());
    assertThat(dispatcher.runners()).containsExactly(registered);
    CommitId commit = new CommitId(fixture.repo().head());
    assertThat(ChapterClient.communicate(dispatcher.address(), "dispatch:" + commit))
        .isEqualTo("OK");

    await("the runner reads the dispatcher's OK to its results").atMost(PROMPTLY)
        .until(() -> !logs.linesStartingWith("INFO delivered results").isEmpty());
    String report = FakeTestExecutor.summaryOf(commit).report();
    assertThat(dispatcher.report(commit.value())).contains(ChapterRequest.strip(report));
    assertThat(dispatcher.count("results", commit.value())).isOne();
    // it asked before testing; the chapter's dispatcher does not know claim, so it tested anyway
    assertThat(dispatcher.exchanges()).filteredOn(e -> e.command().equals("claim"))
        .singleElement().satisfies(claim -> {
          assertThat(claim.text()).isEqualTo("claim:" + commit + ":" + registered.host() + ":"
              + registered.port());
          assertThat(claim.replied()).contains("Invalid command");
        });
    assertThat(logs.linesStartingWith("WARN")).isEmpty();
    assertThat(fixture.checkout().outbox()).isEmptyDirectory();
  }
}
