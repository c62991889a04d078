package dev.surveil.bench.stats;

import java.util.List;
import java.util.Optional;

/**
 * One measured figure of a scenario: its samples, its unit, its goal if issue 5 sets one, and a
 * note saying why it has no samples when it could not be measured. Immutable.
 */
public record Figure(String scenario, String name, Unit unit, List<Double> samples,
    Optional<Target> target, String note) {
  public Figure {
    samples = List.copyOf(samples);
    if (samples.isEmpty() && note.isBlank()) {
      throw new IllegalArgumentException("figure '" + name + "' has no samples and no note");
    }
  }

  /** A figure with samples and no goal. */
  public static Figure of(String scenario, String name, Unit unit, List<Double> samples) {
    return new Figure(scenario, name, unit, samples, Optional.empty(), "");
  }

  /** A figure that could not be measured, and why. */
  public static Figure missing(String scenario, String name, Unit unit, String why) {
    return new Figure(scenario, name, unit, List.of(), Optional.empty(), why);
  }

  /** This figure with a goal for its median. */
  public Figure withTarget(double bound) {
    return new Figure(scenario, name, unit, samples, Optional.of(new Target(bound, unit)), note);
  }

  /** The median and p95, or empty when the figure has no samples. */
  public Optional<Summary> summary() {
    return samples.isEmpty() ? Optional.empty() : Optional.of(Summary.of(samples, unit));
  }

  /** Empty without a goal or samples; otherwise whether the median meets the goal. */
  public Optional<Boolean> targetMet() {
    return target.flatMap(goal -> summary().map(s -> goal.isMetBy(s.median())));
  }
}
