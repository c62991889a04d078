package dev.surveil.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * {@code results:<commit>:<length>:<report>}: a runner reports a finished test run. The
 * {@code <length>} on the wire is the report's UTF-8 byte count; the report may hold any text,
 * including {@code :} and newlines.
 */
public record Results(CommitId commit, String report) implements Request {
  public Results {
    Objects.requireNonNull(commit, "commit");
    Objects.requireNonNull(report, "report");
  }

  /** The report's length in UTF-8 bytes, as sent on the wire. */
  public int reportLength() {
    return report.getBytes(StandardCharsets.UTF_8).length;
  }

  @Override
  public Command command() {
    return Command.RESULTS;
  }

  @Override
  public String toString() {
    return "Results[commit=" + commit + ", reportLength=" + reportLength() + "]";
  }
}
