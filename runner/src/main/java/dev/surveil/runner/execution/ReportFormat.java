package dev.surveil.runner.execution;

import dev.surveil.protocol.Limits;
import java.nio.charset.StandardCharsets;
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
   * The most UTF-8 bytes of a report body that are sent: the protocol's report limit less room
   * for the last line. A dispatcher refuses a larger report, and the commit would never get a
   * result.
   */
  static final int MAX_BODY_BYTES = Limits.DEFAULT.maxReportBytes() - 64 * 1024;

  private ReportFormat() {}

  static String format(TestRunSummary summary) {
    return format(summary, MAX_BODY_BYTES);
  }

  static String format(TestRunSummary summary, int maxBodyBytes) {
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
    String body = cutMiddle(out.toString(), maxBodyBytes);
    out.setLength(0);
    out.append(body);
    out.append(summary.tests().size()).append(" tests, ").append(summary.passed())
        .append(" passed, ").append(summary.failed()).append(" failed, ")
        .append(summary.skipped()).append(" skipped\n");
    return out.toString();
  }

  /**
   * {@code text} itself, or, if its UTF-8 form is over {@code maxBytes}, its first and last
   * {@code maxBytes / 2} bytes around a note: the start names the tests, the end holds the detail
   * (compiler messages, crash output).
   */
  static String cutMiddle(String text, int maxBytes) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= maxBytes) {
      return text;
    }
    int half = maxBytes / 2;
    // a character split at either cut becomes U+FFFD; the margin below the limit absorbs that
    return new String(bytes, 0, half, StandardCharsets.UTF_8)
        + "\n[... " + (bytes.length - 2 * half) + " bytes cut: the report was too long to send"
        + " ...]\n" + new String(bytes, bytes.length - half, half, StandardCharsets.UTF_8);
  }

  /** The last {@code count} lines of {@code text}, after a note of how many were left out. */
  static String lastLines(String text, int count) {
    List<String> lines = text.lines().collect(Collectors.toList());
    int from = Math.max(0, lines.size() - count);
    String omitted = from > 0 ? "[... " + from + " earlier lines ...]\n" : "";
    return omitted + String.join("\n", lines.subList(from, lines.size()));
  }
}
