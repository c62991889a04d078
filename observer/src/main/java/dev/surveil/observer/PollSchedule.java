package dev.surveil.observer;

import dev.surveil.time.Ticker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * When the observer's polling thread polls next: once a delay is over, at once when a poll is
 * requested ({@link #requestPoll()}, e.g. for a {@code notify}), or never again once closed. A
 * request is remembered until the thread next waits, so a burst of requests makes one poll and a
 * request during a poll makes one more poll right after it. Thread-safe.
 */
final class PollSchedule {
  /** Why {@link #awaitNextPoll} returned. */
  enum Wake {
    /** A poll was requested. */
    REQUESTED,
    /** The delay is over. */
    DUE,
    /** The schedule is closed: poll no more. */
    CLOSED
  }

  private final Ticker ticker;
  private final Object lock = new Object();
  private boolean requested; // guarded by lock
  private boolean closed; // guarded by lock

  PollSchedule(Ticker ticker) {
    this.ticker = ticker;
  }

  /** Asks for a poll as soon as possible; returns at once. */
  void requestPoll() {
    synchronized (lock) {
      requested = true;
      lock.notifyAll();
    }
  }

  /** Ends the schedule: a waiting thread, and every later wait, returns {@link Wake#CLOSED}. */
  void close() {
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
    }
  }

  /**
   * Waits until {@code delay} is over, a poll is requested or the schedule is closed, whichever
   * comes first, and consumes the request if there was one.
   */
  Wake awaitNextPoll(Duration delay) throws InterruptedException {
    long remaining = nanosOf(delay);
    synchronized (lock) {
      while (!requested && !closed && remaining > 0) {
        long start = ticker.read();
        TimeUnit.NANOSECONDS.timedWait(lock, remaining);
        remaining -= ticker.read() - start;
      }
      if (closed) {
        return Wake.CLOSED;
      }
      if (requested) {
        requested = false;
        return Wake.REQUESTED;
      }
      return Wake.DUE;
    }
  }

  private static long nanosOf(Duration delay) {
    try {
      return delay.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
