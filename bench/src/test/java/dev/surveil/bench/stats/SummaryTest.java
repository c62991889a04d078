package dev.surveil.bench.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {
  @Test
  void medianOfAnOddCountIsTheMiddleSample() {
    assertThat(Summary.of(List.of(30.0, 10.0, 20.0), Unit.MILLIS).median()).isEqualTo(20.0);
  }

  @Test
  void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertThat(Summary.of(List.of(40.0, 10.0, 20.0, 30.0), Unit.MILLIS).median())
        .isEqualTo(25.0);
  }

  @Test
  void p95OfDurationsIsTheNearestRankFromTheTop() {
    Summary summary = Summary.of(oneToTwenty(), Unit.MILLIS);

    assertThat(summary.p95()).isEqualTo(19.0);
    assertThat(summary.runs()).isEqualTo(20);
  }

  @Test
  void p95OfRatesIsTheWorseTailFromTheBottom() {
    assertThat(Summary.of(oneToTwenty(), Unit.PER_SECOND).p95()).isEqualTo(2.0);
  }

  @Test
  void p95OfFewSamplesIsTheWorstOne() {
    assertThat(Summary.of(List.of(5.0, 9.0, 7.0), Unit.MILLIS).p95()).isEqualTo(9.0);
    assertThat(Summary.of(List.of(5.0, 9.0, 7.0), Unit.PER_SECOND).p95()).isEqualTo(5.0);
  }

  @Test
  void refusesToSummarizeNoSamples() {
    assertThatThrownBy(() -> Summary.of(List.of(), Unit.MILLIS))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("no samples to summarize");
  }

  private static List<Double> oneToTwenty() {
    List<Double> samples = new ArrayList<>();
    for (int i = 20; i >= 1; i--) {
      samples.add((double) i);
    }
    return samples;
  }
}
