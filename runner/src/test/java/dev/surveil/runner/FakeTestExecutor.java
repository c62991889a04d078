package dev.surveil.runner;

import dev.surveil.protocol.CommitId;
import dev.surveil.runner.execution.Outcome;
import dev.surveil.runner.execution.TestCaseResult;
import dev.surveil.runner.execution.TestExecutor;
import dev.surveil.runner.execution.TestRunSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A {@link TestExecutor} that records each run, optionally blocks until released, and returns
 * {@link #summaryOf} (one passing test). Thread-safe.
 */
final class FakeTestExecutor implements TestExecutor {
  /** What a run started with: the commit and the folder. */
  record Run(CommitId commit, Path checkout) {}

  final BlockingQueue<Run> started = new LinkedBlockingQueue<>();
  final BlockingQueue<CommitId> interrupted = new LinkedBlockingQueue<>();
  private final CountDownLatch release;

  private FakeTestExecutor(CountDownLatch release) {
    this.release = release;
  }

  /** Runs return at once. */
  static FakeTestExecutor immediate() {
    return new FakeTestExecutor(new CountDownLatch(0));
  }

  /** Runs block until {@code release} is counted down or the thread is interrupted. */
  static FakeTestExecutor blockingUntil(CountDownLatch release) {
    return new FakeTestExecutor(release);
  }

  static TestRunSummary summaryOf(CommitId commit) {
    TestCaseResult test = new TestCaseResult("PassingTest.onePlusOneIsTwo()",
        TestCaseResult.Status.PASSED, Duration.ofMillis(3), "");
    return new TestRunSummary(commit, Outcome.PASSED, List.of(test), "", Duration.ofMillis(7));
  }

  @Override
  public TestRunSummary run(Path checkout, CommitId commit) throws InterruptedException {
    started.add(new Run(commit, checkout));
    try {
      release.await();
    } catch (InterruptedException e) {
      interrupted.add(commit);
      throw e;
    }
    return summaryOf(commit);
  }
}
