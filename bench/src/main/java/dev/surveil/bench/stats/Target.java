package dev.surveil.bench.stats;

/**
 * A goal for a figure's median from issue 5: below {@code bound} for durations and memory, at
 * least {@code bound} for rates. Immutable.
 */
public record Target(double bound, Unit unit) {
  /** Whether {@code median} meets the goal. */
  public boolean isMetBy(double median) {
    return unit.higherIsBetter() ? median >= bound : median < bound;
  }

  /** The goal as printed, e.g. {@code < 1.00 s} or {@code >= 10,000 /s}. */
  @Override
  public String toString() {
    return (unit.higherIsBetter() ? ">= " : "< ") + unit.format(bound);
  }
}
