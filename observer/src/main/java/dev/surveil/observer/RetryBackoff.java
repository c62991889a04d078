package dev.surveil.observer;

import java.time.Duration;

/**
 * The delays between retries while the dispatcher is down: {@value #FIRST_MILLIS} ms, doubling
 * after each failed retry, never more than a cap (the poll interval). Not thread-safe: the
 * polling thread owns it.
 */
final class RetryBackoff {
  static final long FIRST_MILLIS = 100;

  private final long firstNanos;
  private final long capNanos;
  private long nextNanos;

  /** @param cap the longest delay; a cap under {@value #FIRST_MILLIS} ms is every delay */
  RetryBackoff(Duration cap) {
    if (cap.isNegative() || cap.isZero()) {
      throw new IllegalArgumentException("backoff cap must be positive: " + cap);
    }
    this.capNanos = nanosOf(cap);
    this.firstNanos = Math.min(Duration.ofMillis(FIRST_MILLIS).toNanos(), capNanos);
    this.nextNanos = firstNanos;
  }

  private static long nanosOf(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE; // over 292 years: forever
    }
  }

  /** The delay before the next retry; each call doubles the one after it, up to the cap. */
  Duration next() {
    long delay = nextNanos;
    nextNanos = delay > capNanos / 2 ? capNanos : delay * 2;
    return Duration.ofNanos(delay);
  }

  /** Starts again from the first delay (the dispatcher answered). */
  void reset() {
    nextNanos = firstNanos;
  }
}
