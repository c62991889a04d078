package dev.surveil.time;

import java.time.Duration;

/**
 * Delays between the attempts of a retry series: the first delay, doubled after each attempt up
 * to a cap, and back to the first delay on {@link #reset()}. A cap below the first delay is every
 * delay; a cap too long for nanoseconds (centuries) does not overflow. Not thread-safe: one thread
 * retries.
 */
public final class Backoff {
  private final long firstNanos;
  private final long capNanos;
  private long nextNanos;

  /**
   * From {@code first}, doubling to at most {@code cap}.
   *
   * @throws IllegalArgumentException if either is zero or negative
   */
  public Backoff(Duration first, Duration cap) {
    if (first.isNegative() || first.isZero() || cap.isNegative() || cap.isZero()) {
      throw new IllegalArgumentException("not a backoff: first=" + first + " cap=" + cap);
    }
    this.capNanos = saturatedNanos(cap);
    this.firstNanos = Math.min(saturatedNanos(first), capNanos);
    this.nextNanos = firstNanos;
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE; // over 292 years: forever
    }
  }

  /** The delay before the next attempt; the one after it is twice as long, up to the cap. */
  public Duration next() {
    long delay = nextNanos;
    nextNanos = delay > capNanos / 2 ? capNanos : delay * 2;
    return Duration.ofNanos(delay);
  }

  /** Starts again from the first delay, after a success. */
  public void reset() {
    nextNanos = firstNanos;
  }
}
