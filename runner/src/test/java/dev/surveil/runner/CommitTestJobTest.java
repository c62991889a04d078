package dev.surveil.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Results;
import dev.surveil.runner.execution.TestExecutor;
import dev.surveil.testing.FakeTicker;
import dev.surveil.testing.GitRepoFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CommitTestJobTest {
  private final FakeTicker ticker = new FakeTicker();
  private GitRepoFixture fixture;
  private Path clone;
  private RepositoryCheckout checkout;
  private ReportOutbox outbox;

  @BeforeEach
  void setUp() throws IOException {
    fixture = GitRepoFixture.createWithBasicTests();
    clone = fixture.cloneTo("runner");
    checkout = RepositoryCheckout.open(clone);
    outbox = ReportOutbox.open(checkout.outbox());
  }

  @AfterEach
  void tearDown() {
    checkout.close();
    fixture.close();
  }

  private CommitTestJob jobWith(TestExecutor executor) {
    return new CommitTestJob(checkout, executor, outbox, ticker);
  }

  /** The one report in the outbox, checking that it is on disk too. */
  private Results onlyReport() throws IOException {
    assertThat(outbox.size()).isOne();
    Results results = outbox.oldest().orElseThrow();
    assertThat(checkout.outbox().resolve(results.commit().value())).hasContent(results.report());
    return results;
  }

  @Test
  void testsTheCheckedOutCommitAndKeepsTheReportOnDiskBeforeTakingTheNextCommit()
      throws Exception {
    CommitId commit = new CommitId(fixture.head());
    FakeTestExecutor executor = FakeTestExecutor.immediate();
    List<Integer> reportsWhenDone = new ArrayList<>();

    jobWith(executor).run(commit, () -> reportsWhenDone.add(outbox.size()));

    assertThat(executor.started.poll())
        .isEqualTo(new FakeTestExecutor.Run(commit, clone.toAbsolutePath().normalize()));
    assertThat(onlyReport())
        .isEqualTo(new Results(commit, FakeTestExecutor.summaryOf(commit).report()));
    assertThat(reportsWhenDone).containsExactly(1);
  }

  @Test
  void reportsAnUnknownCommitAsAnError() throws Exception {
    CommitId unknown = new CommitId("0123456789abcdef0123456789abcdef01234567");
    FakeTestExecutor executor = FakeTestExecutor.immediate();

    jobWith(executor).run(unknown, () -> { });

    assertThat(executor.started).isEmpty();
    Results results = onlyReport();
    assertThat(results.commit()).isEqualTo(unknown);
    assertThat(results.report())
        .startsWith("commit " + unknown + ": ERROR in ")
        .contains("commit " + unknown + " not found in ")
        .endsWith("0 tests, 0 passed, 0 failed, 0 skipped\n");
  }

  @Test
  void reportsACheckoutBlockedByAStaleGitLockAsAnError() throws Exception {
    // what a runner killed in the middle of a reset leaves behind
    Files.writeString(clone.resolve(".git/index.lock"), "");
    CommitId commit = new CommitId(fixture.commitTrivialChange("after the lock"));
    FakeTestExecutor executor = FakeTestExecutor.immediate();

    jobWith(executor).run(commit, () -> { });

    assertThat(executor.started).isEmpty();
    Results results = onlyReport();
    assertThat(results.commit()).isEqualTo(commit);
    assertThat(results.report()).startsWith("commit " + commit + ": ERROR in ")
        .contains("cannot check out commit " + commit);
  }

  @Test
  void reportsAnExecutorThatThrowsAsAnError() throws Exception {
    CommitId commit = new CommitId(fixture.head());

    jobWith((dir, id) -> {
      throw new IllegalStateException("executor bug");
    }).run(commit, () -> { });

    assertThat(onlyReport().report()).startsWith("commit " + commit + ": ERROR in ")
        .contains("the runner could not run the tests: java.lang.IllegalStateException:"
            + " executor bug");
  }

  @Test
  void keepsNoReportWhenTheRunnerStopsDuringTheRun() throws Exception {
    CommitId commit = new CommitId(fixture.head());
    // a checkout or test run cut short by close() must not become a report
    CommitTestJob job = jobWith((dir, id) -> {
      Thread.currentThread().interrupt();
      return FakeTestExecutor.summaryOf(id);
    });

    assertThatThrownBy(() -> job.run(commit, () -> { }))
        .isInstanceOf(InterruptedException.class);

    assertThat(outbox.isEmpty()).isTrue();
    assertThat(checkout.outbox()).isEmptyDirectory();
  }
}
