package dev.surveil.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Results;
import dev.surveil.runner.execution.TestExecutor;
import dev.surveil.testing.FakeTicker;
import dev.surveil.testing.GitRepoFixture;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CommitTestJobTest {
  private final FakeTicker ticker = new FakeTicker();
  private GitRepoFixture fixture;
  private FakeDispatcher dispatcher;
  private Path clone;
  private RepositoryCheckout checkout;

  @BeforeEach
  void setUp() throws IOException {
    fixture = GitRepoFixture.createWithBasicTests();
    clone = fixture.cloneTo("runner");
    checkout = RepositoryCheckout.open(clone);
    dispatcher = FakeDispatcher.start();
  }

  @AfterEach
  void tearDown() {
    try {
      dispatcher.close();
      dispatcher.assertNoMoreRequests();
    } finally {
      fixture.close();
    }
  }

  private CommitTestJob jobWith(TestExecutor executor) {
    return new CommitTestJob(checkout, executor, new DispatcherClient(dispatcher.address()),
        ticker);
  }

  @Test
  void testsTheCheckedOutCommitAndSendsTheReport() throws Exception {
    CommitId commit = new CommitId(fixture.head());
    FakeTestExecutor executor = FakeTestExecutor.immediate();

    jobWith(executor).run(commit, () -> { });

    assertThat(executor.started.poll())
        .isEqualTo(new FakeTestExecutor.Run(commit, clone.toAbsolutePath().normalize()));
    assertThat(dispatcher.takeRequest())
        .isEqualTo(new Results(commit, FakeTestExecutor.summaryOf(commit).report()));
  }

  @Test
  void reportsAnUnknownCommitAsAnError() throws Exception {
    CommitId unknown = new CommitId("0123456789abcdef0123456789abcdef01234567");
    FakeTestExecutor executor = FakeTestExecutor.immediate();

    jobWith(executor).run(unknown, () -> { });

    assertThat(executor.started).isEmpty();
    Results results = (Results) dispatcher.takeRequest();
    assertThat(results.commit()).isEqualTo(unknown);
    assertThat(results.report())
        .startsWith("commit " + unknown + ": ERROR in ")
        .contains("commit " + unknown + " not found in ")
        .endsWith("0 tests, 0 passed, 0 failed, 0 skipped\n");
  }

  @Test
  void reportsACheckoutBlockedByAStaleGitLockAsAnError() throws Exception {
    // what a runner killed in the middle of a reset leaves behind
    java.nio.file.Files.writeString(clone.resolve(".git/index.lock"), "");
    CommitId commit = new CommitId(fixture.commitTrivialChange("after the lock"));
    FakeTestExecutor executor = FakeTestExecutor.immediate();

    jobWith(executor).run(commit, () -> { });

    assertThat(executor.started).isEmpty();
    Results results = (Results) dispatcher.takeRequest();
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

    Results results = (Results) dispatcher.takeRequest();
    assertThat(results.report()).startsWith("commit " + commit + ": ERROR in ")
        .contains("the runner could not run the tests: java.lang.IllegalStateException:"
            + " executor bug");
  }

  @Test
  void finishesWhenTheDispatcherCannotBeReached() throws Exception {
    dispatcher.close();
    FakeTestExecutor executor = FakeTestExecutor.immediate();

    jobWith(executor).run(new CommitId(fixture.head()), () -> { });

    assertThat(executor.started).hasSize(1);
  }
}
