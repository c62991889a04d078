package dev.surveil.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class CommitTimelineTest {
  @Test
  void splitsTheTotalIntoPhasesThatAddUpToIt() {
    CommitTimeline t = new CommitTimeline(1_000, 1_040, 1_042, OptionalLong.of(1_080), 1_850,
        760, 1_856);

    assertThat(t.total()).isEqualTo(856);
    assertThat(t.detect()).isEqualTo(40);
    assertThat(t.queue()).isEqualTo(2);
    assertThat(t.checkout()).isEqualTo(38);
    assertThat(t.testRun()).isEqualTo(770);
    assertThat(t.report()).isEqualTo(6);
    assertThat(t.detect() + t.queue() + t.checkout() + t.testRun() + t.report())
        .isEqualTo(t.total());
  }

  @Test
  void withoutACheckoutLineTheCheckoutIsTheJobLessTheTestDuration() {
    CommitTimeline t = new CommitTimeline(1_000, 1_040, 1_042, OptionalLong.empty(), 1_850,
        760, 1_856);

    assertThat(t.checkout()).isEqualTo(48);
    assertThat(t.testRun()).isEqualTo(760);
  }

  @Test
  void aRunnerThatStartsBeforeTheQueuedLineIsWrittenWaitedNoTimeInTheQueue() {
    CommitTimeline t = new CommitTimeline(1_000, 1_045, 1_042, OptionalLong.empty(), 1_850,
        760, 1_856);

    assertThat(t.detect()).isEqualTo(42);
    assertThat(t.queue()).isZero();
    assertThat(t.detect() + t.queue() + t.checkout() + t.testRun() + t.report())
        .isEqualTo(t.total());
  }
}
