package dev.surveil.runner.execution;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Formats a {@link TestRunSummary} as the plain-text report people read, and the pieces of text
 * that go into one. Stateless and thread-safe. A report looks like:
 *
 * <pre>
 * commit 3f2a9c1e: FAILED in 1432 ms
 * PASSED  PassingTest.onePlusOneIsTwo() (12 ms)
 * FAILED  FailingTest.onePlusOneIsThree() (9 ms)
 *     org.opentest4j.AssertionFailedError: 1 + 1 should be 3 ==&gt; expected: &lt;3&gt; but ...
 *     at FailingTest.onePlusOneIsThree(FailingTest.java:8)
 *     ... 4 more
 *
 * (the detail, if any)
 * 2 tests, 1 passed, 1 failed, 0 skipped
 * </pre>
 *
 * <p>Lines end in {@code "\n"} on every platform; the last line is always the counts.
 */
final class ReportFormat {
  private static final String INDENT = "    ";
  /**
   * The most characters of a report body that are sent. At most 3 UTF-8 bytes a character, that
   * is well under the protocol's 16 MiB report limit: a dispatcher refuses a larger report, and
   * the commit would never get a result.
   */
  static final int MAX_BODY_CHARS = 4 * 1024 * 1024;

  private ReportFormat() {}

  static String format(TestRunSummary summary) {
    return format(summary, MAX_BODY_CHARS);
  }

  static String format(TestRunSummary summary, int maxBodyChars) {
    StringBuilder out = new StringBuilder();
    out.append("commit ").append(summary.commit()).append(": ").append(summary.outcome())
        .append(" in ").append(summary.duration().toMillis()).append(" ms\n");
    for (TestCaseResult test : summary.tests()) {
      out.append(String.format("%-7s %s (%d ms)", test.status(), test.name(),
          test.duration().toMillis())).append('\n');
      test.failure().lines().forEach(line -> out.append(INDENT).append(line).append('\n'));
    }
    if (!summary.detail().isEmpty()) {
      if (!summary.tests().isEmpty()) {
        out.append('\n');
      }
      out.append(summary.detail());
      if (!summary.detail().endsWith("\n")) {
        out.append('\n');
      }
    }
    if (out.length() > maxBodyChars) {
      int cut = out.length() - maxBodyChars;
      out.setLength(maxBodyChars);
      out.append("\n[... the last ").append(cut).append(" characters of this report were cut:"
          + " it was too long to send ...]\n");
    }
    out.append(summary.tests().size()).append(" tests, ").append(summary.passed())
        .append(" passed, ").append(summary.failed()).append(" failed, ")
        .append(summary.skipped()).append(" skipped\n");
    return out.toString();
  }

  /** A duration as people write it on our command lines: {@code 500ms}, {@code 3s}, {@code 10m}. */
  static String duration(Duration duration) {
    if (duration.toMillis() % 1000 != 0) {
      return duration.toMillis() + "ms";
    }
    long seconds = duration.toSeconds();
    return seconds % 60 == 0 && seconds > 0 ? seconds / 60 + "m" : seconds + "s";
  }

  /** The last {@code count} lines of {@code text}, after a note of how many were left out. */
  static String lastLines(String text, int count) {
    List<String> lines = text.lines().collect(Collectors.toList());
    int from = Math.max(0, lines.size() - count);
    String omitted = from > 0 ? "[... " + from + " earlier lines ...]\n" : "";
    return omitted + String.join("\n", lines.subList(from, lines.size()));
  }
}
