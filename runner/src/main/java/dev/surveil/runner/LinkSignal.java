package dev.surveil.runner;

import dev.surveil.time.Ticker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * How other threads reach the {@link DispatcherLink}'s thread while it waits: wake it, ask it to
 * try every report now, and wait for its next delivery attempts (a graceful stop). Waits are
 * measured with the {@link Ticker}, so a test's fake ticker and a {@link #wake()} move them on.
 * Thread-safe.
 */
final class LinkSignal {
  private final Ticker ticker;
  private boolean woken; // guarded by this
  private boolean retryAllRequested; // guarded by this
  private long failedDeliveries; // guarded by this

  LinkSignal(Ticker ticker) {
    this.ticker = ticker;
  }

  /** Ends the link's current or next {@link #pause}. */
  synchronized void wake() {
    woken = true;
    notifyAll();
  }

  /** For the link's thread: waits {@code delay}, or less if {@link #wake()} is called. */
  synchronized void pause(Duration delay) throws InterruptedException {
    long deadline = ticker.read() + delay.toNanos();
    long left;
    while (!woken && (left = deadline - ticker.read()) > 0) {
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    woken = false;
  }

  /** For the link's thread: whether {@link #awaitDelivered} asked to try every report now. */
  synchronized boolean takeRetryAllRequest() {
    boolean requested = retryAllRequested;
    retryAllRequested = false;
    return requested;
  }

  /** For the link's thread: a delivery attempt ended. */
  synchronized void deliveryAttempted(boolean delivered) {
    failedDeliveries += delivered ? 0 : 1;
    notifyAll();
  }

  /**
   * Asks the link to try every report now and waits at most {@code limit} until {@code done}
   * (e.g. the outbox is empty) or a delivery attempt fails.
   */
  void awaitDelivered(Duration limit, BooleanSupplier done) throws InterruptedException {
    long deadline = ticker.read() + limit.toNanos();
    synchronized (this) {
      long failuresBefore = failedDeliveries;
      retryAllRequested = true;
      wake();
      long left;
      while (!done.getAsBoolean() && failedDeliveries == failuresBefore
          && (left = deadline - ticker.read()) > 0) {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }
  }
}
