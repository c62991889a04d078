package dev.surveil.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Converts durations as people write them ({@code 500ms}, {@code 5s}, {@code 10m}, {@code 1h}) or
 * in ISO-8601 ({@code PT5S}) for picocli. A number needs its unit: a bare {@code 5} is refused,
 * since one reader means seconds and another milliseconds. Every Surveil duration is an interval
 * or a timeout, so zero and negative values are refused here, once for all options. Stateless.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern SIMPLE = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
  private static final Pattern BARE_NUMBER = Pattern.compile("\\d+");
  private static final String EXAMPLES = "500ms, 5s, 10m or 1h";

  @Override
  public Duration convert(String value) {
    Duration duration = parse(value);
    if (duration.isZero() || duration.isNegative()) {
      throw new TypeConversionException("not a positive duration; write e.g. " + EXAMPLES);
    }
    return duration;
  }

  /**
   * A duration as {@link #convert} reads it and as people type it: {@code 500ms}, {@code 5s},
   * {@code 10m}, {@code 1h}, choosing the largest unit that divides it exactly.
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

  private static Duration parse(String value) {
    Matcher m = SIMPLE.matcher(value.trim());
    if (m.matches()) {
      long amount = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofSeconds(amount);
      };
    }
    if (BARE_NUMBER.matcher(value.trim()).matches()) {
      String n = value.trim();
      throw new TypeConversionException("a duration needs a unit: " + n + "ms, " + n + "s, " + n
          + "m or " + n + "h");
    }
    try {
      return Duration.parse(value.trim());
    } catch (DateTimeParseException e) {
      throw new TypeConversionException("not a duration; write e.g. " + EXAMPLES);
    }
  }
}
