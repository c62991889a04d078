package dev.surveil.bench.scenario;

import dev.surveil.bench.sim.ChapterClient;
import dev.surveil.bench.stats.Figure;
import dev.surveil.bench.stats.Summary;
import dev.surveil.bench.stats.Unit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * The round trips of one kind of request (scenario 8): the times of those answered with the
 * expected reply, and a count of every other reply, so that a figure is never made of requests
 * the server refused. Not thread-safe.
 */
final class RoundTrips {
  private final String name;
  private final String expected;
  private final List<Double> millis = new ArrayList<>();
  private final Map<String, Integer> unexpected = new TreeMap<>();

  /**
   * Round trips for the figure {@code name}, counted only when the reply is {@code expected}.
   */
  RoundTrips(String name, String expected) {
    this.name = name;
    this.expected = expected;
  }

  /** Records one exchange: its time if the reply is the expected one, else the reply. */
  void add(ChapterClient.Exchange exchange) {
    if (exchange.reply().equals(expected)) {
      millis.add(exchange.millis());
    } else {
      unexpected.merge(exchange.reply(), 1, Integer::sum);
    }
  }

  /** How many exchanges were recorded. */
  int count() {
    return millis.size() + unexpected.values().stream().mapToInt(Integer::intValue).sum();
  }

  /**
   * The figure: the times in milliseconds, with a goal for the median if {@code targetMillis}
   * is present; missing, with the replies that were not expected, if there was any.
   */
  Figure figure(String scenario, OptionalDouble targetMillis) {
    Figure figure = unexpected.isEmpty()
        ? Figure.of(scenario, name, Unit.MILLIS, millis)
        : Figure.missing(scenario, name, Unit.MILLIS, describeUnexpected());
    return targetMillis.isPresent() ? figure.withTarget(targetMillis.getAsDouble()) : figure;
  }

  /** One progress line: the median and p95, and any unexpected replies. */
  String describe() {
    String times = "no expected replies";
    if (!millis.isEmpty()) {
      Summary summary = Summary.of(millis, Unit.MILLIS);
      times = String.format(Locale.ROOT, "median %.2f ms, p95 %.2f ms over %d",
          summary.median(), summary.p95(), summary.runs());
    }
    return name.strip() + ": " + times + (unexpected.isEmpty() ? "" : "; " + describeUnexpected());
  }

  private String describeUnexpected() {
    List<String> replies = new ArrayList<>();
    unexpected.forEach((reply, n) -> replies.add(String.format(Locale.ROOT, "'%s' x%d",
        reply.replace("\n", "\\n"), n)));
    return String.format(Locale.ROOT, "%d of %d replies were not '%s': %s",
        count() - millis.size(), count(), expected, String.join(", ", replies));
  }
}
