package dev.surveil.observer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.observer.PollSchedule.Wake;
import dev.surveil.time.Ticker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** When the polling thread polls next. */
class PollScheduleTest {
  private static final Duration AN_HOUR = Duration.ofHours(1);

  private final PollSchedule schedule = new PollSchedule(Ticker.SYSTEM);

  @Test
  void burstOfRequestsMakesOnePoll() throws Exception {
    for (int i = 0; i < 10; i++) {
      schedule.requestPoll();
    }

    assertThat(schedule.awaitNextPoll(AN_HOUR)).isEqualTo(Wake.REQUESTED);
    assertThat(schedule.awaitNextPoll(Duration.ofMillis(1))).isEqualTo(Wake.DUE);
  }

  @Test
  void requestDuringAPollMakesOneMorePollRightAfterIt() throws Exception {
    schedule.requestPoll();
    assertThat(schedule.awaitNextPoll(AN_HOUR)).isEqualTo(Wake.REQUESTED);
    schedule.requestPoll(); // while "polling"

    assertThat(schedule.awaitNextPoll(AN_HOUR)).isEqualTo(Wake.REQUESTED);
  }

  @Test
  void requestWakesAWaitingThread() throws Exception {
    CompletableFuture<Wake> wake = CompletableFuture.supplyAsync(() -> await(AN_HOUR));

    schedule.requestPoll();

    assertThat(wake.get(10, TimeUnit.SECONDS)).isEqualTo(Wake.REQUESTED);
  }

  @Test
  void closeWakesAWaitingThreadAndEndsEveryLaterWait() throws Exception {
    CompletableFuture<Wake> wake = CompletableFuture.supplyAsync(() -> await(AN_HOUR));

    schedule.close();

    assertThat(wake.get(10, TimeUnit.SECONDS)).isEqualTo(Wake.CLOSED);
    schedule.requestPoll();
    assertThat(schedule.awaitNextPoll(AN_HOUR)).isEqualTo(Wake.CLOSED);
  }

  @Test
  void waitEndsWhenTheDelayIsOver() throws Exception {
    assertThat(schedule.awaitNextPoll(Duration.ofMillis(20))).isEqualTo(Wake.DUE);
    assertThat(schedule.awaitNextPoll(Duration.ZERO)).isEqualTo(Wake.DUE);
  }

  private Wake await(Duration delay) {
    try {
      return schedule.awaitNextPoll(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
