package dev.surveil.runner;

import dev.surveil.time.Ticker;
import java.time.Duration;

/**
 * When the runner should ask the dispatcher for {@code status}: once it has not been pinged for
 * the check interval, counted from the last ping or the dispatcher's last answer (a registration,
 * or {@code status} answered {@code OK}), whichever is later; after a failed check, once its
 * retry delay has passed, unless a ping came meanwhile. Not thread-safe: only the dispatcher
 * link's thread uses it.
 */
final class StatusSchedule {
  private final DispatcherContact contact;
  private final Duration checkInterval;
  private final Ticker ticker;
  private long lastAnswerNanos;
  private Duration retry; // null unless the last check failed
  private long failedNanos;

  StatusSchedule(DispatcherContact contact, Duration checkInterval, Ticker ticker) {
    this.contact = contact;
    this.checkInterval = checkInterval;
    this.ticker = ticker;
    this.lastAnswerNanos = ticker.read();
  }

  /** Counts the interval from now and forgets a failed check: the dispatcher answered. */
  void answered() {
    lastAnswerNanos = ticker.read();
    retry = null;
  }

  /** The check failed: ask again after {@code delay}, unless pinged first. */
  void failed(Duration delay) {
    retry = delay;
    failedNanos = ticker.read();
  }

  /**
   * Whether the last check failed and the dispatcher has pinged since: it is back and still has
   * the runner. The failure is then forgotten.
   */
  boolean pingedSinceFailure() {
    if (retry != null && contact.silence().compareTo(sinceFailure()) < 0) {
      retry = null;
      return true;
    }
    return false;
  }

  /** The time until the next check; zero or negative once it is due. */
  Duration untilCheck() {
    if (retry != null) {
      return retry.minus(sinceFailure());
    }
    Duration sincePing = contact.silence();
    Duration sinceAnswer = Duration.ofNanos(ticker.read() - lastAnswerNanos);
    return checkInterval.minus(sincePing.compareTo(sinceAnswer) < 0 ? sincePing : sinceAnswer);
  }

  /** How long since the last ping. */
  Duration silence() {
    return contact.silence();
  }

  private Duration sinceFailure() {
    return Duration.ofNanos(ticker.read() - failedNanos);
  }
}
