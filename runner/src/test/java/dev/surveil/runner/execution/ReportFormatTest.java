package dev.surveil.runner.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.protocol.CommitId;
import dev.surveil.runner.execution.TestCaseResult.Status;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportFormatTest {
  private static final CommitId COMMIT = new CommitId("0123456789abcdef");

  @Test
  void listsEachTestItsFailureTheDetailAndEndsWithTheCounts() {
    TestRunSummary summary = new TestRunSummary(COMMIT, Outcome.FAILED, List.of(
        new TestCaseResult("A.passes()", Status.PASSED, Duration.ofMillis(3), ""),
        new TestCaseResult("A.fails()", Status.FAILED, Duration.ofMillis(12),
            "java.lang.AssertionError: no\n    at A.fails(A.java:5)\n"),
        new TestCaseResult("A.waits()", Status.SKIPPED, Duration.ZERO, "not today")),
        "some detail", Duration.ofMillis(1500));

    assertThat(summary.report()).isEqualTo("""
        commit 0123456789abcdef: FAILED in 1500 ms
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
  void cutsAReportTooLongToSendButKeepsTheCounts() {
    TestRunSummary summary = new TestRunSummary(COMMIT, Outcome.FAILED, List.of(
        new TestCaseResult("A.fails()", Status.FAILED, Duration.ofMillis(1), "x".repeat(500))),
        "", Duration.ofMillis(5));

    String report = ReportFormat.format(summary, 100);

    assertThat(report).startsWith("commit 0123456789abcdef: FAILED in 5 ms\n")
        .contains("characters of this report were cut")
        .endsWith("\n1 tests, 0 passed, 1 failed, 0 skipped\n");
    assertThat(report.length()).isLessThan(250);
  }

  @Test
  void reportsAnErrorWithItsReason() {
    TestRunSummary summary = TestRunSummary.error(COMMIT, "checkout failed\n", Duration.ZERO);

    assertThat(summary.report()).isEqualTo("""
        commit 0123456789abcdef: ERROR in 0 ms
        checkout failed
        0 tests, 0 passed, 0 failed, 0 skipped
        """);
  }

  @Test
  void writesDurationsAsOnTheCommandLine() {
    assertThat(ReportFormat.duration(Duration.ofMillis(500))).isEqualTo("500ms");
    assertThat(ReportFormat.duration(Duration.ofSeconds(3))).isEqualTo("3s");
    assertThat(ReportFormat.duration(Duration.ofMinutes(10))).isEqualTo("10m");
    assertThat(ReportFormat.duration(Duration.ofSeconds(90))).isEqualTo("90s");
  }

  @Test
  void keepsTheLastLinesAndCountsTheOthers() {
    assertThat(ReportFormat.lastLines("a\nb\nc\n", 2)).isEqualTo("[... 1 earlier lines ...]\nb\nc");
    assertThat(ReportFormat.lastLines("a\nb", 5)).isEqualTo("a\nb");
  }
}
