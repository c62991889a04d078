package dev.surveil.bench.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Formats figures as the plain-text table {@code scripts/bench} prints: scenario, figure, median,
 * p95, runs and the goal with whether the median meets it. Stateless and thread-safe.
 */
public final class ResultTable {
  private static final String[] HEADER = {"scenario", "figure", "median", "p95", "runs", "target"};

  private ResultTable() {}

  /** The table, one line per figure after a header line, columns padded to align. */
  public static String format(List<Figure> figures) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (Figure figure : figures) {
      rows.add(row(figure));
    }
    int[] widths = new int[HEADER.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder text = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        boolean number = i >= 2 && i <= 4;
        line.append(pad(row[i], widths[i], number)).append(i < row.length - 1 ? "  " : "");
      }
      text.append(line.toString().stripTrailing()).append('\n');
    }
    return text.toString();
  }

  private static String[] row(Figure figure) {
    Optional<Summary> summary = figure.summary();
    String target = figure.target().map(Target::toString).orElse("");
    Optional<Boolean> met = figure.targetMet();
    if (met.isPresent()) {
      target += met.get() ? "  met" : "  MISSED";
    }
    if (summary.isEmpty()) {
      return new String[] {figure.scenario(), figure.name(), "n/a", "", "0",
          target.isEmpty() ? figure.note() : target + "  (" + figure.note() + ")"};
    }
    Summary s = summary.get();
    return new String[] {figure.scenario(), figure.name(), figure.unit().format(s.median()),
        figure.unit().format(s.p95()), Integer.toString(s.runs()), target};
  }

  private static String pad(String text, int width, boolean right) {
    String spaces = " ".repeat(width - text.length());
    return right ? spaces + text : text + spaces;
  }
}
