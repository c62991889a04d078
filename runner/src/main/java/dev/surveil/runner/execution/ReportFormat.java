package dev.surveil.runner.execution;

/** Formats a {@link TestRunSummary} as the plain-text report people read. Stateless. */
final class ReportFormat {
  private ReportFormat() {}

  static String format(TestRunSummary summary) {
    StringBuilder out = new StringBuilder();
    out.append("commit ").append(summary.commit()).append(": ").append(summary.outcome())
        .append(" in ").append(summary.duration().toMillis()).append(" ms\n");
    for (TestCaseResult test : summary.tests()) {
      out.append(String.format("%-7s %s (%d ms)%n", test.status(), test.name(),
          test.duration().toMillis()));
      if (!test.failure().isEmpty()) {
        test.failure().lines().forEach(line -> out.append("    ").append(line).append('\n'));
      }
    }
    if (!summary.detail().isEmpty()) {
      out.append(summary.detail());
      if (!summary.detail().endsWith("\n")) {
        out.append('\n');
      }
    }
    out.append(summary.tests().size()).append(" tests, ").append(summary.passed())
        .append(" passed, ").append(summary.failed()).append(" failed, ")
        .append(summary.skipped()).append(" skipped\n");
    return out.toString();
  }
}
