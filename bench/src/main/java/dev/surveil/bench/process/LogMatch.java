package dev.surveil.bench.process;

import java.util.List;

/**
 * A log line that matched what the bench waited for, with the pattern's groups. Immutable.
 *
 * @param index the line's position in its program's log, to wait for later lines from there
 */
public record LogMatch(int index, LogLine line, List<String> groups) {
  public LogMatch {
    groups = List.copyOf(groups);
  }

  /** When the line was logged, in milliseconds since the epoch. */
  public long epochMillis() {
    return line.epochMillis();
  }

  /** Group {@code n} of the pattern (1 is the first). */
  public String group(int n) {
    return groups.get(n - 1);
  }
}
