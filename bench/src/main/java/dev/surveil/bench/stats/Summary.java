package dev.surveil.bench.stats;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The median and 95th percentile of a figure's samples. The percentile is taken on the worse
 * side: for durations and memory it is the value 95% of the samples are at or below; for rates it
 * is the value 95% of the samples are at or above (the 5th percentile). Both use the nearest-rank
 * method, so with few samples the p95 is the worst one. Immutable.
 */
public record Summary(double median, double p95, int runs) {
  /**
   * Summarizes {@code samples}.
   *
   * @throws IllegalArgumentException if there are none
   */
  public static Summary of(List<Double> samples, Unit unit) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("no samples to summarize");
    }
    List<Double> sorted = new ArrayList<>(samples);
    Collections.sort(sorted);
    int n = sorted.size();
    double median = n % 2 == 1 ? sorted.get(n / 2)
        : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    int rank = (int) Math.ceil(0.95 * n); // 1-based nearest rank
    double p95 = unit.higherIsBetter() ? sorted.get(n - rank) : sorted.get(rank - 1);
    return new Summary(median, p95, n);
  }
}
