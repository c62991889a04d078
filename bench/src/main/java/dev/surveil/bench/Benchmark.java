package dev.surveil.bench;

import dev.surveil.bench.scenario.BenchContext;
import dev.surveil.bench.scenario.Scenario;
import dev.surveil.bench.stats.Figure;
import dev.surveil.bench.stats.ResultTable;
import dev.surveil.bench.stats.Unit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Runs the scenarios one after another and formats their figures as one table. A scenario that
 * fails is reported as a missing figure with its error, and the others still run. Not
 * thread-safe.
 */
final class Benchmark {
  private final List<Scenario> scenarios;

  Benchmark(List<Scenario> scenarios) {
    this.scenarios = List.copyOf(scenarios);
  }

  /** Runs every scenario; returns their figures in order. */
  List<Figure> run(BenchContext context) throws InterruptedException {
    List<Figure> figures = new ArrayList<>();
    for (Scenario scenario : scenarios) {
      long start = System.nanoTime();
      context.say("== %s", scenario.name());
      try {
        figures.addAll(scenario.run(context));
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        context.say("%s failed: %s", scenario.name(), e);
        figures.add(Figure.missing(scenario.name(), "(scenario failed)", Unit.MILLIS,
            firstLine(e)));
      }
      context.say("== %s took %.0f s", scenario.name(), (System.nanoTime() - start) / 1e9);
    }
    return figures;
  }

  /**
   * The report: a title line with the machine's cores, then the table, its rows in the order of
   * the scenario numbers (a scenario's rows keep their order).
   */
  static String report(List<Figure> figures, boolean quick) {
    List<Figure> ordered = new ArrayList<>(figures);
    ordered.sort(Comparator.comparingInt(figure -> scenarioNumber(figure.scenario())));
    String title = String.format(Locale.ROOT,
        "Surveil benchmark (%s run): %d cores, Java %s, %s %s; medians and p95 (the worse 5%%)",
        quick ? "quick" : "full", Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"), System.getProperty("os.name"),
        System.getProperty("os.arch"));
    return title + "\n" + ResultTable.format(ordered);
  }

  /** The number a scenario column starts with; unnumbered ones (failures) sort last. */
  static int scenarioNumber(String scenario) {
    int end = 0;
    while (end < scenario.length() && Character.isDigit(scenario.charAt(end))) {
      end++;
    }
    return end == 0 ? Integer.MAX_VALUE : Integer.parseInt(scenario.substring(0, end));
  }

  private static String firstLine(Exception e) {
    String text = e.getMessage() == null ? e.toString() : e.getMessage();
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
