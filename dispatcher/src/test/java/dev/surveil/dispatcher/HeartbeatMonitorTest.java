package dev.surveil.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.surveil.lifecycle.UncaughtExceptions;
import dev.surveil.net.NamedThreadFactory;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Ping;
import dev.surveil.protocol.Reply;
import dev.surveil.testing.LiveThreads;
import dev.surveil.testing.LogRecorder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HeartbeatMonitorTest {
  private static final HostAndPort A = new HostAndPort("localhost", 8901);
  private static final HostAndPort B = new HostAndPort("localhost", 8902);
  private static final CommitId C1 = new CommitId("aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111");

  private final RunnerPool pool = new RunnerPool();
  private final FakeRunners runners = new FakeRunners();
  private final ExecutorService pings =
      Executors.newCachedThreadPool(new NamedThreadFactory("test-ping", true));
  private final CountDownLatch release = new CountDownLatch(1);
  // an hour: sweeps run only when a test calls sweep()
  private final HeartbeatMonitor monitor =
      new HeartbeatMonitor(pool, runners, pings, Duration.ofHours(1));

  @AfterEach
  void tearDown() throws Exception {
    release.countDown();
    monitor.close();
    pings.shutdownNow();
    assertThat(pings.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void keepsRunnersThatAnswerPong() throws Exception {
    runners.answer(A, Reply.OK);
    pool.register(A);
    monitor.sweep();
    assertThat(runners.sent.poll(10, TimeUnit.SECONDS))
        .isEqualTo(new FakeRunners.Sent(A, new Ping()));
    // the next sweep pings again once the first ping has completed
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      monitor.sweep();
      assertThat(runners.sent.poll(100, TimeUnit.MILLISECONDS)).isNotNull();
    });
    assertThat(pool.runners()).containsExactly(A);
  }

  @Test
  void removesADeadRunnerAndRequeuesItsCommit() {
    pool.register(A);
    pool.enqueue(C1);
    pool.assign(C1, A);
    monitor.sweep();
    await().atMost(Duration.ofSeconds(10)).until(() -> pool.runners().isEmpty());
    assertThat(pool.pending()).containsExactly(C1);
  }

  @Test
  void aRemovalTheJournalCannotRecordWaitsForALaterPingAndKillsNoThread() throws Exception {
    RecordingJournal journal = new RecordingJournal();
    RunnerPool recorded = new RunnerPool(journal);
    HeartbeatMonitor watching = new HeartbeatMonitor(recorded, runners, pings,
        Duration.ofHours(1));
    try (LogRecorder logs = LogRecorder.record("dev.surveil")) {
      UncaughtExceptions.install("dispatcher", status -> { });
      recorded.register(A); // dead
      journal.failing = true;

      watching.sweep();
      await().atMost(Duration.ofSeconds(10)).until(() -> journal.refused.get() == 1);
      assertThat(recorded.runners()).containsExactly(A);

      journal.failing = false;
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        watching.sweep(); // once the first ping has ended
        assertThat(recorded.runners()).isEmpty();
      });
      assertThat(logs.linesStartingWith("ERROR")).isEmpty();
    } finally {
      UncaughtExceptions.uninstall();
      watching.close();
    }
  }

  @Test
  void aFrozenRunnerDoesNotDelayTheVerdictOnOthers() {
    runners.freeze(A, release);
    pool.register(A);
    pool.register(B); // dead
    monitor.sweep();
    await().atMost(Duration.ofSeconds(10)).until(() -> pool.runners().equals(java.util.List.of(A)));
    monitor.sweep(); // A's ping is still outstanding: not pinged twice
    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> pool.runners().isEmpty());
    assertThat(runners.sent.stream().filter(s -> s.runner().equals(A)).count()).isEqualTo(1);
  }

  @Test
  void thePingThreadRunsEachIntervalWhileRunnersAreRegistered() throws Exception {
    HeartbeatMonitor fast = new HeartbeatMonitor(pool, runners, pings, Duration.ofMillis(20));
    try {
      runners.answer(A, Reply.OK);
      fast.start();
      // no runners: asleep until one registers, having pinged no one
      await().atMost(Duration.ofSeconds(10))
          .until(() -> LiveThreads.waitingIn("dispatcher-heartbeat", "awaitRunners"));
      assertThat(runners.sent).isEmpty();
      pool.register(A);
      for (int i = 0; i < 3; i++) {
        assertThat(runners.sent.poll(10, TimeUnit.SECONDS)).isNotNull();
      }
    } finally {
      fast.close();
    }
  }
}
