package dev.surveil.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * {@code results:<commit>:<length>:<report>}: a runner reports a finished test run. The
 * {@code <length>} on the wire is the report's UTF-8 byte count; the report may hold any text,
 * including {@code :} and newlines.
 *
 * <p>A Surveil runner may attach the run's JUnit XML (Surefire format): on the wire
 * {@code results:<commit>:<length>+<xml-length>:<report><xml>}, sent only to a dispatcher known
 * to speak Surveil (see docs/protocol.md). {@code junitXml} is empty when there is none.
 */
public record Results(CommitId commit, String report, String junitXml) implements Request {
  public Results {
    Objects.requireNonNull(commit, "commit");
    Objects.requireNonNull(report, "report");
    Objects.requireNonNull(junitXml, "junitXml");
  }

  /** A report without JUnit XML: the chapter's message. */
  public Results(CommitId commit, String report) {
    this(commit, report, "");
  }

  /** The report's length in UTF-8 bytes, as sent on the wire. */
  public int reportLength() {
    return report.getBytes(StandardCharsets.UTF_8).length;
  }

  /** Whether a JUnit XML report is attached. */
  public boolean hasJunitXml() {
    return !junitXml.isEmpty();
  }

  /** The JUnit XML's length in UTF-8 bytes (0 when there is none). */
  public int junitXmlLength() {
    return junitXml.getBytes(StandardCharsets.UTF_8).length;
  }

  /** The same report without its JUnit XML, as sent to a dispatcher that knows only the text. */
  public Results withoutJunitXml() {
    return hasJunitXml() ? new Results(commit, report) : this;
  }

  @Override
  public Command command() {
    return Command.RESULTS;
  }

  @Override
  public String toString() {
    return "Results[commit=" + commit + ", reportLength=" + reportLength()
        + (hasJunitXml() ? ", junitXmlLength=" + junitXmlLength() : "") + "]";
  }
}
