package dev.surveil.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkerTest {
  private static final Duration CLOSE = Duration.ofSeconds(5);

  private final CountDownLatch release = new CountDownLatch(1);
  private Worker worker;

  @AfterEach
  void tearDown() throws InterruptedException {
    release.countDown();
    if (worker != null) {
      worker.close(CLOSE);
      worker.join();
    }
  }

  @Test
  void runsItsLoopOnANamedDaemonThread() throws Exception {
    BlockingQueue<Thread> ran = new ArrayBlockingQueue<>(1);
    worker = Worker.daemon("test-worker", () -> ran.add(Thread.currentThread()));

    worker.start();

    Thread thread = ran.poll(5, TimeUnit.SECONDS);
    assertThat(thread.getName()).isEqualTo("test-worker");
    assertThat(thread.isDaemon()).isTrue();
  }

  /** Starts a worker running {@code loop} and waits until the loop has begun. */
  private void startRunning(String name, Worker.Loop loop) throws InterruptedException {
    CountDownLatch running = new CountDownLatch(1);
    worker = Worker.daemon(name, () -> {
      running.countDown();
      loop.run();
    });
    worker.start();
    assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void closeInterruptsTheLoopAndWaitsForItsEnd() throws Exception {
    startRunning("test-worker", () -> new CountDownLatch(1).await()); // ends only by interrupt

    worker.close(CLOSE);

    worker.join(); // returns at once: the thread has ended
    assertThat(worker.isClosed()).isTrue();
    assertThat(worker.isRunning()).isFalse();
  }

  @Test
  void closeRunsTheClosingActionBeforeItWaits() throws Exception {
    CountDownLatch stop = new CountDownLatch(1);
    worker = Worker.daemon("test-worker", () -> {
      while (!stop.await(1, TimeUnit.MINUTES)) {
        Thread.onSpinWait();
      }
    }).whenClosing(stop::countDown).interruptOnlyOnTimeout();
    worker.start();

    worker.close(CLOSE);

    assertThat(stop.getCount()).isZero();
  }

  @Test
  void closeThrowsWhenTheThreadDoesNotEndInTime() throws Exception {
    startRunning("stubborn-worker", () -> {
      while (true) {
        try {
          release.await();
          return;
        } catch (InterruptedException e) {
          // ignores the interrupt, as a blocking call that cannot be interrupted would
        }
      }
    });

    assertThatThrownBy(() -> worker.close(Duration.ofMillis(50)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("thread stubborn-worker still running 50 ms after close");
  }

  @Test
  void closeIsIdempotent() throws Exception {
    AtomicInteger closings = new AtomicInteger();
    worker = Worker.daemon("test-worker", () -> new CountDownLatch(1).await())
        .whenClosing(closings::incrementAndGet);
    worker.start();

    worker.close(CLOSE);
    worker.close(CLOSE);

    assertThat(closings).hasValue(1);
  }

  @Test
  void closeBeforeStartRunsNothingAndForbidsStart() {
    AtomicInteger runs = new AtomicInteger();
    worker = Worker.daemon("test-worker", runs::incrementAndGet);

    worker.close(CLOSE);

    assertThatThrownBy(worker::start).isInstanceOf(IllegalStateException.class)
        .hasMessage("test-worker already started or closed, state=CLOSED");
    assertThat(runs).hasValue(0);
  }

  @Test
  void startTwiceThrowsNamingTheState() {
    worker = Worker.daemon("test-worker", release::await);
    worker.start();

    assertThatThrownBy(worker::start).isInstanceOf(IllegalStateException.class)
        .hasMessage("test-worker already started or closed, state=STARTED");
  }

  @Test
  void isConfiguredOnlyBeforeStart() {
    worker = Worker.daemon("test-worker", release::await);
    worker.start();

    assertThatThrownBy(() -> worker.whenClosing(() -> { }))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("state=STARTED");
  }

  @Test
  void anExceptionInTheLoopReachesTheUncaughtExceptionPolicy() throws Exception {
    BlockingQueue<Integer> exits = new ArrayBlockingQueue<>(1);
    UncaughtExceptions.install("test", exits::add);
    try {
      worker = Worker.daemon("failing-worker", () -> {
        throw new IllegalStateException("boom");
      });
      worker.start();

      assertThat(exits.poll(5, TimeUnit.SECONDS)).isEqualTo(UncaughtExceptions.EXIT_STATUS);
    } finally {
      UncaughtExceptions.uninstall();
    }
  }
}
