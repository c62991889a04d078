package dev.surveil.runner;

import dev.surveil.time.Ticker;
import java.time.Duration;

/**
 * When the dispatcher last pinged the runner, measured with a monotonic {@link Ticker}. Only pings
 * count: a dispatcher that answers {@code status} but no longer pings has dropped the runner from
 * its pool. Thread-safe.
 */
public final class DispatcherContact {
  private final Ticker ticker;
  private long lastPingNanos; // guarded by this

  /** Starts counting silence from now. */
  public DispatcherContact(Ticker ticker) {
    this.ticker = ticker;
    this.lastPingNanos = ticker.read();
  }

  /** Records that the dispatcher pinged just now. */
  public synchronized void record() {
    lastPingNanos = ticker.read();
  }

  /** How long since the last ping (or since construction, if there was none). */
  public synchronized Duration silence() {
    return Duration.ofNanos(ticker.read() - lastPingNanos);
  }
}
