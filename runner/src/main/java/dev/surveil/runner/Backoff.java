package dev.surveil.runner;

import java.time.Duration;

/**
 * Delays between the attempts of a retry series: the first delay, doubled after each attempt up to
 * a cap, and back to the first delay on {@link #reset()}. Not thread-safe: one thread retries.
 */
final class Backoff {
  private final Duration first;
  private final Duration max;
  private Duration next;

  /** From {@code first}, doubling to at most {@code max}. */
  Backoff(Duration first, Duration max) {
    if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
      throw new IllegalArgumentException("not a backoff: first=" + first + " max=" + max);
    }
    this.first = first;
    this.max = max;
    this.next = first;
  }

  /** The runner's delays: 100 ms doubling to 5 s. */
  static Backoff standard() {
    return new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
  }

  /** The delay before the next attempt; the one after it is twice as long, up to the cap. */
  Duration next() {
    Duration delay = next;
    Duration doubled = next.multipliedBy(2);
    next = doubled.compareTo(max) > 0 ? max : doubled;
    return delay;
  }

  /** Starts again from the first delay, after a success. */
  void reset() {
    next = first;
  }
}
