package dev.surveil.observer;

import dev.surveil.lifecycle.Worker;
import dev.surveil.time.Backoff;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The observer's polling thread, {@value #NAME} (a daemon): runs a poll, then waits on its
 * {@link PollSchedule} for the poll interval or, after a poll that found the dispatcher down,
 * for the next {@link Backoff} delay (100 ms, doubling, capped at the interval), and again,
 * until the schedule is closed. A poll is never interrupted except by {@link #close} giving up
 * (JGit's file channels do not survive an interrupt). A {@link Worker}. Thread-safe.
 */
final class PollingThread {
  /** The thread's name. */
  static final String NAME = "observer-poller";
  private static final Logger log = LoggerFactory.getLogger(PollingThread.class);

  private final BooleanSupplier poll;
  private final PollSchedule schedule;
  private final Duration interval;
  private final Worker worker = Worker.daemon(NAME, this::run).interruptOnlyOnTimeout();

  /**
   * @param poll polls once and returns true if the dispatcher is down, i.e. worth retrying soon
   */
  PollingThread(BooleanSupplier poll, PollSchedule schedule, Duration interval) {
    this.poll = poll;
    this.schedule = schedule;
    this.interval = interval;
  }

  private void run() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), interval);
    try {
      PollSchedule.Wake wake;
      do {
        Duration delay = interval;
        if (poll.getAsBoolean()) {
          delay = backoff.next();
          log.debug("retrying the dispatcher in {}", delay.toMillis() + "ms");
        } else {
          backoff.reset();
        }
        wake = schedule.awaitNextPoll(delay);
        log.debug("wake={}", wake);
      } while (wake != PollSchedule.Wake.CLOSED);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // close() gave up waiting: stop
    }
    log.debug("poller stopped");
  }

  /** Blocks until the thread has ended (at once if it never started). */
  void awaitTermination() throws InterruptedException {
    worker.join();
  }

  /** Starts the thread. */
  void start() {
    worker.start();
  }

  /**
   * After the schedule is closed: waits up to {@code timeout} for the thread to end, then
   * interrupts it and waits one more second.
   *
   * @throws IllegalStateException if it is still running then
   */
  void close(Duration timeout) {
    worker.close(timeout);
  }
}
