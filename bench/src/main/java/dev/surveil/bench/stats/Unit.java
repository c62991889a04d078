package dev.surveil.bench.stats;

import java.util.Locale;

/** The unit of a measured figure, how to print it, and which direction is better. Immutable. */
public enum Unit {
  /** A duration in milliseconds; lower is better. */
  MILLIS("ms", false),
  /** A rate per second; higher is better. */
  PER_SECOND("/s", true),
  /** Resident memory in MiB; lower is better. */
  MEBIBYTES("MiB", false),
  /** CPU use in percent of one core; lower is better. */
  PERCENT_OF_CORE("% of a core", false),
  /** CPU time per request in microseconds; lower is better. */
  MICROS("us", false);

  private final String symbol;
  private final boolean higherIsBetter;

  Unit(String symbol, boolean higherIsBetter) {
    this.symbol = symbol;
    this.higherIsBetter = higherIsBetter;
  }

  /** Whether a larger value is a better result (rates), rather than a smaller one. */
  public boolean higherIsBetter() {
    return higherIsBetter;
  }

  /**
   * {@code value} with its unit: {@code 812 ms}, {@code 1.52 s}, {@code 12,345 /s}; durations,
   * memory and CPU under 10 with one decimal ({@code 1.4 ms}).
   */
  public String format(double value) {
    if (this == MILLIS && Math.abs(value) >= 1000) {
      return String.format(Locale.ROOT, "%.2f s", value / 1000);
    }
    if ((this == MILLIS || this == MEBIBYTES || this == PERCENT_OF_CORE)
        && Math.abs(value) < 10) {
      return String.format(Locale.ROOT, "%.1f %s", value, symbol);
    }
    return String.format(Locale.ROOT, "%,.0f %s", value, symbol);
  }
}
