package dev.surveil.runner.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.protocol.CommitId;
import dev.surveil.runner.execution.TestCaseResult.Status;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportFormatTest {
  private static final CommitId COMMIT = new CommitId("0123456789abcdef0123456789abcdef01234567");

  @Test
  void listsEachTestItsFailureTheDetailAndEndsWithTheCounts() {
    TestRunSummary summary = new TestRunSummary(COMMIT, Outcome.FAILED, List.of(
        new TestCaseResult("A.passes()", Status.PASSED, Duration.ofMillis(3), ""),
        new TestCaseResult("A.fails()", Status.FAILED, Duration.ofMillis(12),
            "java.lang.AssertionError: no\n    at A.fails(A.java:5)\n"),
        new TestCaseResult("A.waits()", Status.SKIPPED, Duration.ZERO, "not today")),
        "some detail", Duration.ofMillis(1500));

    assertThat(summary.report()).isEqualTo("""
        commit 0123456789abcdef0123456789abcdef01234567: FAILED in 1500 ms
        PASSED  A.passes() (3 ms)
        FAILED  A.fails() (12 ms)
            java.lang.AssertionError: no
                at A.fails(A.java:5)
        SKIPPED A.waits() (0 ms)
            not today

        some detail
        3 tests, 1 passed, 1 failed, 1 skipped
        """);
  }

  @Test
  void cutsTheMiddleOfAReportTooLongToSendAndKeepsTheCounts() {
    TestRunSummary summary = new TestRunSummary(COMMIT, Outcome.CRASHED, List.of(
        new TestCaseResult("A.fails()", Status.FAILED, Duration.ofMillis(1), "x".repeat(500))),
        "exit code 3", Duration.ofMillis(5));

    String report = ReportFormat.format(summary, 130);

    assertThat(report).startsWith("commit 0123456789abcdef0123456789abcdef01234567: CRASHED in 5 ms\n")
        .contains("bytes cut: the report was too long to send")
        .endsWith("exit code 3\n1 tests, 0 passed, 1 failed, 0 skipped\n");
    assertThat(report.length()).isLessThan(280);
  }

  @Test
  void neverSplitsAReportIntoMoreBytesThanAllowed() {
    String text = "\u00e9\u6f22".repeat(1000);
    String cut = ReportFormat.cutMiddle(text, 1001);
    assertThat(cut.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThan(1100);
    assertThat(ReportFormat.cutMiddle("short", 1001)).isEqualTo("short");
  }

  @Test
  void reportsAnErrorWithItsReason() {
    TestRunSummary summary = TestRunSummary.error(COMMIT, "checkout failed\n", Duration.ZERO);

    assertThat(summary.report()).isEqualTo("""
        commit 0123456789abcdef0123456789abcdef01234567: ERROR in 0 ms
        checkout failed
        0 tests, 0 passed, 0 failed, 0 skipped
        """);
  }


  @Test
  void keepsTheLastLinesAndCountsTheOthers() {
    assertThat(ReportFormat.lastLines("a\nb\nc\n", 2)).isEqualTo("[... 1 earlier lines ...]\nb\nc");
    assertThat(ReportFormat.lastLines("a\nb", 5)).isEqualTo("a\nb");
  }
}
