package dev.surveil.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.bench.sim.ChapterClient;
import dev.surveil.bench.stats.Figure;
import dev.surveil.bench.stats.ResultTable;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class RoundTripsTest {
  @Test
  void timesTheExpectedRepliesInMillisecondsAgainstTheTarget() {
    RoundTrips trips = new RoundTrips("status, unterminated", "OK");
    trips.add(new ChapterClient.Exchange("OK", 1_500_000));
    trips.add(new ChapterClient.Exchange("OK", 52_000_000));
    trips.add(new ChapterClient.Exchange("OK", 900_000));

    Figure figure = trips.figure("8 unterminated", OptionalDouble.of(5));

    assertThat(figure.samples()).containsExactly(1.5, 52.0, 0.9);
    assertThat(figure.summary().orElseThrow().median()).isEqualTo(1.5);
    assertThat(figure.targetMet()).contains(true);
    assertThat(ResultTable.format(List.of(figure)).lines().skip(1)).singleElement().asString()
        .endsWith("1.5 ms  52 ms     3  < 5.0 ms  met");
    assertThat(trips.describe())
        .isEqualTo("status, unterminated: median 1.50 ms, p95 52.00 ms over 3");
  }

  @Test
  void aFigureWithARefusedRequestIsMissingAndSaysWhatTheServerAnswered() {
    RoundTrips trips = new RoundTrips("  dispatch:<commit>, ending in \\n", "OK");
    trips.add(new ChapterClient.Exchange("OK", 1_000_000));
    trips.add(new ChapterClient.Exchange("No runners are registered", 1_000_000));
    trips.add(new ChapterClient.Exchange("No runners are registered", 1_000_000));
    trips.add(new ChapterClient.Exchange("Invalid command", 1_000_000));

    Figure figure = trips.figure("8 unterminated", OptionalDouble.empty());

    assertThat(trips.count()).isEqualTo(4);
    assertThat(figure.samples()).isEmpty();
    assertThat(figure.note()).isEqualTo("3 of 4 replies were not 'OK': 'Invalid command' x1,"
        + " 'No runners are registered' x2");
    assertThat(figure.target()).isEmpty();
  }
}
