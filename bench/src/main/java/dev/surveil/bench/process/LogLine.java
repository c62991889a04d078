package dev.surveil.bench.process;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line a Surveil program logged, in the fixed Logback pattern
 * {@code HH:mm:ss.SSS LEVEL component [thread] commit=<id> message} (the commit part only when
 * the thread has one), with the wall-clock time it stands for. Immutable.
 *
 * @param epochMillis when the line was logged, in milliseconds since the epoch
 * @param level e.g. {@code INFO}
 * @param component e.g. {@code dispatcher}
 * @param message the text after the thread and commit
 */
public record LogLine(long epochMillis, String level, String component, String message) {
  private static final Pattern FORMAT = Pattern.compile(
      "^(\\d{2}:\\d{2}:\\d{2}\\.\\d{3}) +([A-Z]+) +(\\S+) \\[[^\\]]*\\](?: commit=\\S+)? (.*)$");

  /**
   * Parses {@code line}. The pattern holds only the time of day, so the date is the one that
   * puts the line nearest to {@code seenAtMillis}, when the line was read (this copes with
   * midnight between the two).
   *
   * @return empty if the line is not in the log pattern (e.g. a stack trace line)
   */
  public static Optional<LogLine> parse(String line, long seenAtMillis, ZoneId zone) {
    Matcher m = FORMAT.matcher(line);
    if (!m.matches()) {
      return Optional.empty();
    }
    LocalTime time = LocalTime.parse(m.group(1));
    return Optional.of(new LogLine(nearest(time, seenAtMillis, zone), m.group(2), m.group(3),
        m.group(4)));
  }

  /** {@code time} on the day before, of or after the reference: whichever is nearest it. */
  static long nearest(LocalTime time, long referenceMillis, ZoneId zone) {
    LocalDate day = Instant.ofEpochMilli(referenceMillis).atZone(zone).toLocalDate();
    long best = 0;
    long bestDistance = Long.MAX_VALUE;
    for (int shift = -1; shift <= 1; shift++) {
      long candidate = LocalDateTime.of(day.plusDays(shift), time).atZone(zone).toInstant()
          .toEpochMilli();
      long distance = Math.abs(candidate - referenceMillis);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best;
  }
}
