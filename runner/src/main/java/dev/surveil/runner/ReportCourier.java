package dev.surveil.runner;

import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Results;
import dev.surveil.time.Backoff;
import dev.surveil.time.Durations;
import dev.surveil.time.Ticker;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Delivers the reports of the {@link ReportOutbox} to the dispatcher when their
 * {@link DeliverySchedule} says, deletes each once the dispatcher answered {@code OK}, and logs
 * every failed attempt: a WARN with the report's attempt count and what the dispatcher did, and
 * one ERROR instead once the report has been undeliverable for the policy's time (10 minutes).
 * When the dispatcher is unreachable, nothing is tried for the delay of the link's
 * {@link Backoff}, which this courier shares. Not thread-safe: only the dispatcher link's thread
 * uses it.
 */
final class ReportCourier {
  private static final Logger log = LoggerFactory.getLogger(ReportCourier.class);

  /** How a delivery attempt ended. */
  enum Outcome {
    /** The dispatcher answered {@code OK}; the report is gone from the outbox. */
    DELIVERED,
    /** The dispatcher is up and refused the report; it is retried on its own schedule. */
    REFUSED,
    /** The dispatcher could not be reached, or did not answer in time. */
    UNREACHABLE
  }

  private final ReportOutbox outbox;
  private final DispatcherClient dispatcher;
  private final Ticker ticker;
  private final Backoff backoff;
  private final DeliverySchedule schedule;

  /**
   * @param backoff the link's delays after an unreachable dispatcher, shared with the link
   * @param refusals how refused reports are retried
   */
  ReportCourier(ReportOutbox outbox, DispatcherClient dispatcher, Ticker ticker, Backoff backoff,
      DeliverySchedule.Policy refusals) {
    this.outbox = outbox;
    this.dispatcher = dispatcher;
    this.ticker = ticker;
    this.backoff = backoff;
    this.schedule = new DeliverySchedule(refusals);
  }

  /** The oldest report in the outbox that is due now, if any. */
  Optional<Results> due() {
    long now = ticker.read();
    schedule.track(outbox.reports(), now);
    return schedule.due(now);
  }

  /**
   * Whether the dispatcher has refused every report in the outbox since it was last
   * unreachable (true if the outbox is empty): only then may the runner register.
   */
  boolean allRefused() {
    schedule.track(outbox.reports(), ticker.read());
    return schedule.allRefused();
  }

  /** {@code atMost}, or less if a report is due sooner. */
  Duration untilNextDue(Duration atMost) {
    return schedule.untilNextDue(ticker.read()).filter(due -> due.compareTo(atMost) < 0)
        .orElse(atMost);
  }

  /** Another call found the dispatcher unreachable: every report is tried after {@code delay}. */
  void unreachable(Duration delay) {
    schedule.unreachable(ticker.read(), delay);
  }

  /** Makes every report due now, whatever its schedule. */
  void retryAllNow() {
    long now = ticker.read();
    schedule.track(outbox.reports(), now);
    schedule.retryAllNow(now);
  }

  /** Sends {@code results}, one of the reports {@link #due()}, and deals with the answer. */
  Outcome deliver(Results results) {
    CommitId commit = results.commit();
    try (MDC.MDCCloseable ignored = MDC.putCloseable("commit", commit.value())) {
      CallFailure failure;
      try {
        Reply reply = dispatcher.send(results);
        if (reply == Reply.OK) {
          outbox.remove(results);
          schedule.delivered(results);
          log.info("delivered results for commit {}", commit);
          return Outcome.DELIVERED;
        }
        failure = CallFailure.answered(reply);
      } catch (IOException e) {
        failure = CallFailure.of(e);
      }
      DeliverySchedule.Attempt attempt;
      if (failure.refused()) {
        backoff.reset(); // the dispatcher is up
        attempt = schedule.refused(results, ticker.read());
      } else {
        attempt = schedule.unreachable(results, ticker.read(), backoff.next());
      }
      logFailure(commit, failure, attempt);
      return failure.refused() ? Outcome.REFUSED : Outcome.UNREACHABLE;
    }
  }

  private void logFailure(CommitId commit, CallFailure failure,
      DeliverySchedule.Attempt attempt) {
    String retryIn = Durations.format(attempt.retryIn());
    if (attempt.overdue()) {
      log.error("results for commit {} undeliverable for {} ({} attempts): dispatcher {} {};"
          + " keeping them in {} and retrying in {}", commit,
          Durations.format(Duration.ofSeconds(attempt.undeliverableFor().toSeconds())),
          attempt.number(), dispatcher.address(), failure.description(), outbox.folder(),
          retryIn);
    } else {
      log.warn("cannot deliver results for commit {} (attempt {}): dispatcher {} {};"
          + " retrying in {}", commit, attempt.number(), dispatcher.address(),
          failure.description(), retryIn);
    }
  }
}
