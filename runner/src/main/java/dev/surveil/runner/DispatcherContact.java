package dev.surveil.runner;

import dev.surveil.time.Ticker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * When the dispatcher last showed it was alive (a ping, or an answer to a status check),
 * measured with a monotonic {@link Ticker}. Thread-safe.
 */
public final class DispatcherContact {
  private final Ticker ticker;
  private long lastContactNanos; // guarded by this

  /** Starts counting silence from now. */
  public DispatcherContact(Ticker ticker) {
    this.ticker = ticker;
    this.lastContactNanos = ticker.read();
  }

  /** Records that the dispatcher was heard from just now. */
  public synchronized void record() {
    lastContactNanos = ticker.read();
    notifyAll();
  }

  /** How long the dispatcher has been silent. */
  public synchronized Duration silence() {
    return Duration.ofNanos(ticker.read() - lastContactNanos);
  }

  /**
   * Blocks until the dispatcher has been silent for at least {@code interval}. Waits with a timed
   * wait on the ticker's time, re-reading it on every {@link #record()} and {@link #wake()}.
   */
  synchronized void awaitSilence(Duration interval) throws InterruptedException {
    long limit = interval.toNanos();
    long remaining;
    while ((remaining = limit - (ticker.read() - lastContactNanos)) > 0) {
      TimeUnit.NANOSECONDS.timedWait(this, remaining);
    }
  }

  /**
   * Makes a thread in {@link #awaitSilence} re-read the ticker now rather than when its wait
   * ends: tests call it after advancing a fake ticker.
   */
  synchronized void wake() {
    notifyAll();
  }
}
