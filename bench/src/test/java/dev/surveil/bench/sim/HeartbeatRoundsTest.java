package dev.surveil.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HeartbeatRoundsTest {
  private static final long MS = 1_000_000;

  @Test
  void startsANewRoundAfterAGapLongerThanTheLimit() {
    List<RunnerTraffic.Ping> pings = List.of(ping(0, 0), ping(1, 3), ping(2, 90),
        ping(0, 500), ping(1, 502), ping(2, 530));

    List<HeartbeatRounds.Round> rounds = HeartbeatRounds.split(pings, 250 * MS);

    assertThat(rounds).hasSize(2);
    assertThat(rounds.get(0).spreadMillis()).isEqualTo(90.0);
    assertThat(rounds.get(1).spreadMillis()).isEqualTo(30.0);
    assertThat(rounds).allMatch(round -> round.isComplete(3));
  }

  @Test
  void aRoundThatMissedARunnerOrPingedOneTwiceIsIncomplete() {
    List<HeartbeatRounds.Round> rounds = HeartbeatRounds.split(
        List.of(ping(0, 0), ping(0, 1), ping(1, 2), ping(0, 600), ping(1, 601)), 250 * MS);

    assertThat(rounds).extracting(round -> round.isComplete(3)).containsExactly(false, false);
    assertThat(rounds.get(0).pings()).isEqualTo(3);
    assertThat(rounds.get(0).runners()).isEqualTo(2);
  }

  @Test
  void noPingsMakeNoRounds() {
    assertThat(HeartbeatRounds.split(List.of(), 250 * MS)).isEmpty();
  }

  private static RunnerTraffic.Ping ping(int runner, long millis) {
    return new RunnerTraffic.Ping(runner, 5_000 * MS + millis * MS);
  }
}
