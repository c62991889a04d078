package dev.surveil.runner;

import dev.surveil.protocol.Register;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Request;
import dev.surveil.protocol.Status;
import dev.surveil.time.Backoff;
import dev.surveil.time.Durations;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the runner in its dispatcher's pool, one {@link #step} at a time on the
 * {@link DispatcherLink}'s thread whenever no report is due:
 *
 * <ol>
 *   <li>register, once no test job runs and the dispatcher has refused every report left in the
 *       outbox since it was last unreachable (usually: once the outbox is empty). Deliver, then
 *       register: the dispatcher takes a {@code register} from a runner it thinks is testing a
 *       commit as "the runner restarted and lost it" and requeues the commit; a report it refused
 *       is one it does not expect, or has requeued itself;
 *   <li>when the dispatcher has not pinged for the check interval ({@link StatusSchedule}), ask
 *       it for {@code status}; if it answers {@code OK} it has dropped the runner from its pool
 *       (or restarted), so register again.
 * </ol>
 *
 * <p>A call that finds the dispatcher unreachable is retried after the link's {@link Backoff}
 * delay, and makes the {@link ReportCourier} wait as long before its next delivery; a failing
 * series of registrations or status checks logs one WARN. Not thread-safe: only the link's thread
 * uses it.
 */
final class RegistrationWatch {
  private static final Logger log = LoggerFactory.getLogger(RegistrationWatch.class);

  private final DispatcherClient dispatcher;
  private final TestRequestHandler handler;
  private final ReportCourier courier;
  private final StatusSchedule statusChecks;
  private final Duration checkInterval;
  private final Backoff backoff;
  private Register registration;
  private boolean needsRegistration = true;
  private String failingCall; // the registration or status check failing now: one WARN a series

  /** @param backoff the link's delays after an unreachable dispatcher, shared with the courier */
  RegistrationWatch(DispatcherClient dispatcher, TestRequestHandler handler,
      ReportCourier courier, StatusSchedule statusChecks, Duration checkInterval,
      Backoff backoff) {
    this.dispatcher = dispatcher;
    this.handler = handler;
    this.courier = courier;
    this.statusChecks = statusChecks;
    this.checkInterval = checkInterval;
    this.backoff = backoff;
  }

  /** Begins to watch, registering as {@code request}; the check interval counts from now. */
  void begin(Register request) {
    this.registration = request;
    statusChecks.answered();
  }

  /**
   * Registers, or checks the dispatcher still has the runner, if it is time; returns how long
   * the link may wait before the next step at most (zero: not at all).
   */
  Duration step() {
    return needsRegistration ? registerWhenAllowed() : watchPings();
  }

  /** A report was delivered: the dispatcher is up, and a failing series is over. */
  void dispatcherAnswered() {
    succeeded();
  }

  /** A delivery found the dispatcher unreachable: it may have restarted, so register again. */
  void dispatcherUnreachable() {
    needsRegistration = true;
  }

  private Duration registerWhenAllowed() {
    if (!handler.isIdle()) {
      log.debug("a test job runs; registering once it is done");
      return checkInterval; // the job's end wakes the link
    }
    if (!courier.allRefused()) {
      // deliver them first (a job that ended since this step began has put its report there)
      return checkInterval;
    }
    return register();
  }

  // A runtest may arrive during the call: the dispatcher sends one as soon as it has registered
  // the runner, so it is accepted.
  private Duration register() {
    Optional<CallFailure> failure = call(registration);
    if (failure.isEmpty()) {
      needsRegistration = false;
      statusChecks.answered();
      succeeded();
      log.info("registered with dispatcher {}", dispatcher.address());
      return Duration.ZERO;
    }
    failed("register", "dispatcher {} {}; retrying registration", dispatcher.address(),
        failure.get().description());
    Duration retry = backoff.next();
    if (!failure.get().refused()) {
      courier.unreachable(retry);
    }
    return retry;
  }

  /** Sends {@code request}: empty if the dispatcher answered {@code OK}. */
  private Optional<CallFailure> call(Request request) {
    try {
      Reply reply = dispatcher.send(request);
      return reply == Reply.OK ? Optional.empty()
          : Optional.of(CallFailure.answered(reply, request));
    } catch (IOException e) {
      return Optional.of(CallFailure.of(e));
    }
  }

  private Duration watchPings() {
    if (statusChecks.pingedSinceFailure()) {
      succeeded(); // the dispatcher is back and still has the runner
      return Duration.ZERO;
    }
    Duration wait = statusChecks.untilCheck();
    if (wait.isNegative() || wait.isZero()) {
      checkStatus();
      return Duration.ZERO;
    }
    return wait;
  }

  private void checkStatus() {
    String silence =
        Durations.format(Duration.ofMillis(statusChecks.silence().toMillis()));
    Optional<CallFailure> failure = call(new Status());
    if (failure.isEmpty()) {
      statusChecks.answered();
      succeeded();
      needsRegistration = true;
      log.info("not pinged for {}; registering again with dispatcher {}", silence,
          dispatcher.address());
      return;
    }
    Duration retry = backoff.next();
    statusChecks.failed(retry);
    if (!failure.get().refused()) {
      needsRegistration = true; // it may have restarted: register once it is back
      courier.unreachable(retry);
    }
    failed("status", "not pinged for {} and dispatcher {} {}; retrying", silence,
        dispatcher.address(), failure.get().description());
  }

  private void succeeded() {
    backoff.reset();
    failingCall = null;
  }

  /** Logs the first failure of a series of {@code call} at WARN and the retries at DEBUG. */
  private void failed(String call, String format, Object... args) {
    if (call.equals(failingCall)) {
      log.debug(format, args);
    } else {
      log.warn(format, args);
      failingCall = call;
    }
  }
}
