package dev.surveil.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.surveil.testing.FakeTicker;
import dev.surveil.testing.LogRecorder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StorageHealthTest {
  private static final Path DIR = Path.of("/srv/test_results");
  private static final String FULL =
      "cannot write result /srv/test_results/abcd1234: No space left on device";

  private final FakeTicker ticker = new FakeTicker();
  private final StorageHealth health = new StorageHealth(DIR, ticker);
  private final LogRecorder logs = LogRecorder.record(StorageHealth.class.getName(), Level.DEBUG);

  @AfterEach
  void stopRecording() {
    logs.close();
  }

  @Test
  void saysOnceWhyItFailsThenRemindsAtMostOnceAMinuteAndOnceThatItWorksAgain() {
    health.start();

    for (int second = 0; second < 150; second++) { // a failed write every second for 2.5 min
      health.failed(FULL);
      ticker.advance(Duration.ofSeconds(1));
    }
    health.worked();
    health.worked();

    assertThat(logs.lines()).containsExactly(
        "ERROR " + FULL + "; until /srv/test_results can be written, no result is stored and no"
            + " commit is handed out (runners keep their reports and send them again)",
        "WARN /srv/test_results still cannot be written after 1m: " + FULL,
        "WARN /srv/test_results still cannot be written after 2m: " + FULL,
        "INFO /srv/test_results can be written again after 150s; storing results and handing"
            + " out commits");
  }

  @Test
  void aNewFailureAfterItWorkedIsReportedAgain() {
    health.start();
    health.failed(FULL);
    health.worked();
    health.failed(FULL);

    assertThat(logs.linesStartingWith("ERROR")).hasSize(2);
    assertThat(health.isHealthy()).isFalse();
  }

  @Test
  void logsNothingBeforeItIsStartedButKeepsTheState() {
    health.failed(FULL);

    assertThat(health.isHealthy()).isFalse();
    assertThat(logs.lines()).isEmpty();
  }

  @Test
  void awaitHealthyReturnsOnceAWriteWorks() throws Exception {
    health.failed(FULL);
    CountDownLatch healthy = new CountDownLatch(1);
    Thread waiter = new Thread(() -> {
      try {
        health.awaitHealthy();
        healthy.countDown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "test-awaits-health");
    waiter.start();

    assertThat(healthy.await(100, TimeUnit.MILLISECONDS)).isFalse();
    health.worked();
    assertThat(healthy.await(10, TimeUnit.SECONDS)).isTrue();
    waiter.join(10_000);
  }
}
