package dev.surveil.runner.execution;

import dev.surveil.protocol.CommitId;
import java.time.Duration;
import java.util.List;

/**
 * The result of testing one commit: data, not an exception, whatever happened. Immutable.
 *
 * @param commit the commit tested
 * @param outcome how the run ended
 * @param tests every test that reported a result, in the order they finished
 * @param detail what a person needs beyond the test lines: compiler messages, the command's
 *     output, why the run crashed or timed out; may be empty
 * @param duration wall time of the whole run
 */
public record TestRunSummary(
    CommitId commit, Outcome outcome, List<TestCaseResult> tests, String detail,
    Duration duration) {

  public TestRunSummary {
    tests = List.copyOf(tests);
  }

  /** A run that could not happen at all, e.g. because the checkout failed. */
  public static TestRunSummary error(CommitId commit, String detail, Duration duration) {
    return new TestRunSummary(commit, Outcome.ERROR, List.of(), detail, duration);
  }

  public long passed() {
    return count(TestCaseResult.Status.PASSED);
  }

  public long failed() {
    return count(TestCaseResult.Status.FAILED);
  }

  public long skipped() {
    return count(TestCaseResult.Status.SKIPPED);
  }

  private long count(TestCaseResult.Status status) {
    return tests.stream().filter(t -> t.status() == status).count();
  }

  /**
   * The plain-text report sent to the dispatcher: one line per test with its status and
   * duration, each failure with its message and trimmed stack trace, any detail, and a last line
   * {@code N tests, N passed, N failed, N skipped}.
   */
  public String report() {
    return ReportFormat.format(this);
  }
}
