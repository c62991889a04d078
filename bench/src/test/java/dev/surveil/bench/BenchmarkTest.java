package dev.surveil.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.bench.stats.Figure;
import dev.surveil.bench.stats.Unit;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchmarkTest {
  @Test
  void reportNamesTheCoresAndOrdersRowsByScenarioNumber() {
    List<Figure> figures = List.of(
        Figure.of("6 memory", "runner idle", Unit.MEBIBYTES, List.of(100.0)),
        Figure.missing("scale", "(scenario failed)", Unit.MILLIS, "boom"),
        Figure.of("1 latency", "total", Unit.MILLIS, List.of(900.0)),
        Figure.of("6 memory", "observer idle", Unit.MEBIBYTES, List.of(90.0)),
        Figure.of("4 throughput", "status", Unit.PER_SECOND, List.of(9000.0)));

    List<String> lines = Benchmark.report(figures, true).lines().toList();

    assertThat(lines.get(0)).startsWith("Surveil benchmark (quick run): "
        + Runtime.getRuntime().availableProcessors() + " cores, Java ");
    assertThat(lines.subList(2, lines.size())).extracting(line -> line.split("  ")[0])
        .containsExactly("1 latency", "4 throughput", "6 memory", "6 memory", "scale");
    assertThat(lines.get(4)).contains("runner idle");
  }

  @Test
  void readsTheScenarioNumber() {
    assertThat(Benchmark.scenarioNumber("12 things")).isEqualTo(12);
    assertThat(Benchmark.scenarioNumber("latency")).isEqualTo(Integer.MAX_VALUE);
  }
}
