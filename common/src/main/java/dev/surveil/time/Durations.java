package dev.surveil.time;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them ({@code 500ms}, {@code 5s}, {@code 10m}, {@code 1h}) or in
 * ISO-8601 ({@code PT5S}): read from command lines and written in log lines, the same way
 * everywhere. A number needs its unit: a bare {@code 5} is refused, since one reader means
 * seconds and another milliseconds. Stateless.
 */
public final class Durations {
  /** How an error message suggests writing a duration. */
  public static final String EXAMPLES = "500ms, 5s, 10m or 1h";

  private static final Pattern SIMPLE = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
  private static final Pattern BARE_NUMBER = Pattern.compile("\\d+");

  private Durations() {
  }

  /**
   * A duration as people type it: {@code 500ms}, {@code 5s}, {@code 10m}, {@code 1h}, choosing
   * the largest unit that divides it exactly; {@link #parse} reads it back.
   */
  public static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis > 0 && millis % 3_600_000 == 0) {
      return millis / 3_600_000 + "h";
    }
    if (millis > 0 && millis % 60_000 == 0) {
      return millis / 60_000 + "m";
    }
    if (millis % 1_000 == 0) {
      return millis / 1_000 + "s";
    }
    return millis + "ms";
  }

  /**
   * Reads {@code 500ms}, {@code 5s}, {@code 10m}, {@code 1h} or ISO-8601.
   *
   * @throws IllegalArgumentException naming what to write instead
   */
  public static Duration parse(String value) {
    String text = value.trim();
    Matcher m = SIMPLE.matcher(text);
    if (m.matches()) {
      long amount = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofSeconds(amount);
      };
    }
    if (BARE_NUMBER.matcher(text).matches()) {
      throw new IllegalArgumentException("a duration needs a unit: " + text + "ms, " + text
          + "s, " + text + "m or " + text + "h");
    }
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not a duration; write e.g. " + EXAMPLES);
    }
  }
}
