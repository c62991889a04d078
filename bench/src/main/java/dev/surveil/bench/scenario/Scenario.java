package dev.surveil.bench.scenario;

import dev.surveil.bench.stats.Figure;
import java.util.List;

/**
 * One benchmark scenario of issue 5 (or issue 10's scenario 8, issue 11's scenarios 9 and 10):
 * starts what it needs, measures, and stops everything it started before it returns, also when
 * it fails. Implementations are not
 * thread-safe: the bench runs one scenario at a time on one thread.
 */
public sealed interface Scenario
    permits LatencyScenario, FailoverScenario, ThroughputScenario, ScaleScenario,
    UnterminatedScenario, ForgeryScenario, FloodScenario {
  /** A short name for progress lines, e.g. {@code latency}. */
  String name();

  /** Runs the scenario and returns its figures. */
  List<Figure> run(BenchContext context) throws Exception;
}
