package dev.surveil.cli;

import dev.surveil.time.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a duration option for picocli, as {@link Durations#parse} does. Every Surveil duration is
 * an interval or a timeout, so zero and negative values are refused here, once for all options;
 * {@link CommandRunner} registers it for every {@link Duration} option. Stateless.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    Duration duration;
    try {
      duration = Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
    if (duration.isZero() || duration.isNegative()) {
      throw new TypeConversionException("not a positive duration; write e.g. "
          + Durations.EXAMPLES);
    }
    return duration;
  }
}
