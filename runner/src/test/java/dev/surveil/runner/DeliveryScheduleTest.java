package dev.surveil.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Results;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The schedule alone, in nanoseconds read off no clock: every time is given. */
class DeliveryScheduleTest {
  private static final long SECOND = Duration.ofSeconds(1).toNanos();
  private static final Results FIRST = new Results(
      new CommitId("1111111111111111111111111111111111111111"), "first\n");
  private static final Results SECOND_REPORT = new Results(
      new CommitId("2222222222222222222222222222222222222222"), "second\n");

  private final DeliverySchedule schedule = new DeliverySchedule(DeliverySchedule.Policy.STANDARD);

  @Test
  void aNewReportIsDueAtOnceOldestFirst() {
    schedule.track(List.of(FIRST, SECOND_REPORT), 0);

    assertThat(schedule.due(0)).contains(FIRST);
    assertThat(schedule.allRefused()).isFalse();
    assertThat(schedule.untilNextDue(0)).contains(Duration.ZERO);
  }

  @Test
  void aRefusedReportWaitsOneSecondDoublingToOneMinuteWithoutHoldingUpOthers() {
    schedule.track(List.of(FIRST, SECOND_REPORT), 0);

    assertThat(schedule.refused(FIRST, 0))
        .isEqualTo(new DeliverySchedule.Attempt(1, Duration.ZERO, Duration.ofSeconds(1), false));

    assertThat(schedule.due(0)).contains(SECOND_REPORT);
    schedule.delivered(SECOND_REPORT);
    assertThat(schedule.due(SECOND - 1)).isEmpty();
    assertThat(schedule.untilNextDue(0)).contains(Duration.ofSeconds(1));
    assertThat(schedule.allRefused()).isTrue();
    long now = SECOND;
    List<Long> retries = new ArrayList<>();
    for (int attempt = 2; attempt <= 8; attempt++) {
      assertThat(schedule.due(now)).contains(FIRST);
      DeliverySchedule.Attempt failed = schedule.refused(FIRST, now);
      assertThat(failed.number()).isEqualTo(attempt);
      retries.add(failed.retryIn().toSeconds());
      now += failed.retryIn().toNanos();
    }
    assertThat(retries).containsExactly(2L, 4L, 8L, 16L, 32L, 60L, 60L);
  }

  @Test
  void anOverdueReportIsSaidSoOnceAfterTenMinutes() {
    schedule.track(List.of(FIRST), 0);
    schedule.refused(FIRST, 5 * SECOND);

    assertThat(schedule.refused(FIRST, 604 * SECOND).overdue()).isFalse();
    DeliverySchedule.Attempt overdue = schedule.refused(FIRST, 605 * SECOND);
    assertThat(overdue.overdue()).isTrue();
    assertThat(overdue.undeliverableFor()).isEqualTo(Duration.ofMinutes(10));
    assertThat(schedule.refused(FIRST, 700 * SECOND).overdue()).isFalse();
  }

  @Test
  void anUnreachableDispatcherHoldsEveryReportThenMakesEachDueAndUnrefused() {
    schedule.track(List.of(FIRST), 0);
    schedule.refused(FIRST, 0); // due at 1 s
    schedule.unreachable(0, Duration.ofMillis(100));
    schedule.track(List.of(FIRST, SECOND_REPORT), SECOND / 20); // a new report meanwhile

    assertThat(schedule.allRefused()).as("it may have restarted").isFalse();
    assertThat(schedule.due(SECOND / 10 - 1)).isEmpty();
    assertThat(schedule.due(SECOND / 10)).as("sooner than its own retry").contains(FIRST);

    assertThat(schedule.unreachable(SECOND_REPORT, SECOND / 10, Duration.ofMillis(200)).number())
        .isEqualTo(1);
    assertThat(schedule.untilNextDue(SECOND / 10)).contains(Duration.ofMillis(200));
  }

  @Test
  void retryAllNowMakesEveryReportDueAndKeepsWhatWasRefused() {
    schedule.track(List.of(FIRST), 0);
    schedule.refused(FIRST, 0);

    schedule.retryAllNow(1);

    assertThat(schedule.due(1)).contains(FIRST);
    assertThat(schedule.allRefused()).isTrue();
  }

  @Test
  void aNewerReportOfTheSameCommitStartsAFreshSchedule() {
    schedule.track(List.of(FIRST), 0);
    schedule.refused(FIRST, 0);
    Results newer = new Results(FIRST.commit(), "tested again\n");

    schedule.track(List.of(newer), 1);

    assertThat(schedule.due(1)).contains(newer);
    assertThat(schedule.refused(newer, 1).number()).isEqualTo(1);
    assertThatThrownBy(() -> schedule.refused(FIRST, 2)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not tracked");
  }

  @Test
  void forgetsReportsThatLeftTheOutbox() {
    schedule.track(List.of(FIRST, SECOND_REPORT), 0);
    schedule.track(List.of(SECOND_REPORT), 0);

    assertThat(schedule.due(0)).contains(SECOND_REPORT);
    schedule.delivered(SECOND_REPORT);
    assertThat(schedule.untilNextDue(0)).isEmpty();
    assertThat(schedule.allRefused()).as("nothing left").isTrue();
  }
}
