package dev.surveil.bench.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResultTableTest {
  @Test
  void printsOneAlignedRowPerFigureUnderAHeader() {
    String table = ResultTable.format(List.of(
        Figure.of("1 latency", "total", Unit.MILLIS, List.of(800.0, 900.0, 1520.0)),
        Figure.of("4 throughput", "status, 16 clients", Unit.PER_SECOND,
            List.of(12_345.4, 15_000.0)).withTarget(10_000)));

    assertThat(table.lines()).containsExactly(
        "scenario      figure                 median        p95  runs  target",
        "1 latency     total                  900 ms     1.52 s     3",
        "4 throughput  status, 16 clients  13,673 /s  12,345 /s     2  >= 10,000 /s  met");
  }

  @Test
  void marksAMedianThatMissesItsTarget() {
    String table = ResultTable.format(List.of(
        Figure.of("6 memory", "runner idle", Unit.MEBIBYTES, List.of(168.0)).withTarget(150)));

    assertThat(table).contains("168 MiB  168 MiB     1  < 150 MiB  MISSED");
  }

  @Test
  void showsWhyAFigureHasNoSamples() {
    String table = ResultTable.format(List.of(
        Figure.missing("1 latency, push", "total", Unit.MILLIS, "the observer has no option")));

    assertThat(table.lines().skip(1)).singleElement().asString()
        .contains("n/a").endsWith("0  the observer has no option");
  }

  @Test
  void formatsEachUnit() {
    assertThat(Unit.MILLIS.format(812.4)).isEqualTo("812 ms");
    assertThat(Unit.MILLIS.format(1520)).isEqualTo("1.52 s");
    assertThat(Unit.MILLIS.format(1.43)).isEqualTo("1.4 ms");
    assertThat(Unit.MILLIS.format(-375)).isEqualTo("-375 ms");
    assertThat(Unit.PER_SECOND.format(12_345.4)).isEqualTo("12,345 /s");
    assertThat(Unit.MEBIBYTES.format(7.25)).isEqualTo("7.3 MiB");
    assertThat(Unit.MEBIBYTES.format(96.4)).isEqualTo("96 MiB");
  }
}
