package dev.surveil.bench.process;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lines one program has logged so far, as they arrive, and a way to wait for a line without
 * polling. Lines not in the log pattern (stack traces, picocli's messages) are kept as text only.
 * Thread-safe: one thread appends, any number wait.
 */
public final class ProgramLog {
  private static final int TAIL_LINES = 25;

  private final String name;
  private final ZoneId zone;
  private final List<String> raw = new ArrayList<>();
  private final List<LogLine> lines = new ArrayList<>();
  private String endedBecause;

  public ProgramLog(String name, ZoneId zone) {
    this.name = name;
    this.zone = zone;
  }

  /** Adds a line read at {@code seenAtMillis} and wakes the waiters. */
  public synchronized void append(String line, long seenAtMillis) {
    raw.add(line);
    Optional<LogLine> parsed = LogLine.parse(line, seenAtMillis, zone);
    parsed.ifPresent(lines::add);
    notifyAll();
  }

  /** Marks the log complete (the program's output ended); waiters fail from now on. */
  public synchronized void end(String why) {
    endedBecause = why;
    notifyAll();
  }

  /** The number of parsed lines so far: a mark to wait for lines logged after now. */
  public synchronized int size() {
    return lines.size();
  }

  /**
   * Waits for the first parsed line at or after index {@code from} whose message contains a
   * match of {@code pattern}.
   *
   * @throws ProgramException if none arrives within {@code timeout} or the log ends first
   */
  public synchronized LogMatch await(Pattern pattern, int from, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int next = from;
    while (true) {
      Optional<LogMatch> match = find(pattern, next);
      if (match.isPresent()) {
        return match.get();
      }
      next = Math.max(next, lines.size());
      if (endedBecause != null) {
        throw failure("ended (" + endedBecause + ") before logging /" + pattern + "/");
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw failure("did not log /" + pattern + "/ within " + timeout.toMillis() + " ms");
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  /** The first parsed line at or after {@code from} matching {@code pattern}, if any yet. */
  public synchronized Optional<LogMatch> find(Pattern pattern, int from) {
    for (int i = from; i < lines.size(); i++) {
      Matcher m = pattern.matcher(lines.get(i).message());
      if (m.find()) {
        List<String> groups = new ArrayList<>();
        for (int g = 1; g <= m.groupCount(); g++) {
          groups.add(m.group(g));
        }
        return Optional.of(new LogMatch(i, lines.get(i), groups));
      }
    }
    return Optional.empty();
  }

  /** How many parsed lines match {@code pattern}. */
  public synchronized int count(Pattern pattern) {
    int count = 0;
    for (LogLine line : lines) {
      if (pattern.matcher(line.message()).find()) {
        count++;
      }
    }
    return count;
  }

  /** The last lines of raw output, for an error message. */
  public synchronized String tail() {
    return String.join("\n", raw.subList(Math.max(0, raw.size() - TAIL_LINES), raw.size()));
  }

  private ProgramException failure(String what) {
    return new ProgramException(name + " " + what + "; its last lines:\n" + tail());
  }
}
