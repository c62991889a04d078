package dev.surveil.runner;

import dev.surveil.time.Durations;
import dev.surveil.lifecycle.UncaughtExceptions;
import dev.surveil.protocol.Register;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Request;
import dev.surveil.protocol.Results;
import dev.surveil.protocol.Status;
import dev.surveil.time.Backoff;
import dev.surveil.time.Ticker;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the runner asks of the dispatcher, on the daemon thread
 * {@code runner-dispatcher-link}, in this order of priority:
 *
 * <ol>
 *   <li>deliver the reports of the {@link ReportOutbox} that are due, oldest first (see
 *       {@link ReportCourier}): a new report at once, one the dispatcher refused on its own
 *       {@link DeliverySchedule}, so it never holds up newer reports, registration or new work;
 *   <li>register, once no test job runs and the dispatcher has refused every report left in the
 *       outbox since it was last unreachable (usually: once the outbox is empty). Deliver, then
 *       register: the dispatcher takes a {@code register} from a runner it thinks is testing a
 *       commit as "the runner restarted and lost it" and requeues the commit; a report it refused
 *       is one it does not expect, or has requeued itself;
 *   <li>when the dispatcher has not pinged for the check interval, ask it for {@code status}; if
 *       it answers {@code OK} it has dropped the runner from its pool (or restarted), so register
 *       again.
 * </ol>
 *
 * <p>A call that finds the dispatcher unreachable ({@link CallFailure}) is followed by no call
 * for a {@link Backoff} delay (100 ms doubling to 5 s); then every report is delivered again,
 * refused ones too, before the runner registers again (a dispatcher that was away may have
 * restarted and expect one of them). The runner never gives up on its dispatcher. Each failed
 * delivery logs a WARN with the report's attempt count, and one ERROR once the report has been
 * undeliverable for 10 minutes; a failing series of registrations or status checks logs one
 * WARN. Time comes from the {@link Ticker}. Thread-safe.
 *
 * <p>Lifecycle: construct, {@link #start} once, {@link #close()} (idempotent).
 */
final class DispatcherLink implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DispatcherLink.class);
  private static final int NEW = 0;
  private static final int STARTED = 1;
  private static final int CLOSED = 2;

  private final ReportOutbox outbox;
  private final DispatcherClient dispatcher;
  private final TestRequestHandler handler;
  private final Duration checkInterval;
  private final Ticker ticker;
  private final Backoff backoff;
  private final ReportCourier courier;
  private final StatusSchedule statusChecks;
  private final AtomicInteger state = new AtomicInteger(NEW);
  private final LinkSignal signal;
  private final Thread thread;
  private volatile Register registration;

  // Only the link's thread uses these.
  private boolean needsRegistration = true;
  private String failingCall; // the registration or status check failing now: one WARN a series

  /** The runner's delays between calls to an unreachable dispatcher: 100 ms doubling to 5 s. */
  static Backoff standardBackoff() {
    return new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
  }

  /** A link that retries refused reports on the {@link DeliverySchedule.Policy#STANDARD}. */
  DispatcherLink(ReportOutbox outbox, DispatcherClient dispatcher, TestRequestHandler handler,
      DispatcherContact contact, Duration checkInterval, Ticker ticker, Backoff backoff) {
    this(outbox, dispatcher, handler, contact, checkInterval, ticker, backoff,
        DeliverySchedule.Policy.STANDARD);
  }

  DispatcherLink(ReportOutbox outbox, DispatcherClient dispatcher, TestRequestHandler handler,
      DispatcherContact contact, Duration checkInterval, Ticker ticker, Backoff backoff,
      DeliverySchedule.Policy refusals) {
    this.outbox = outbox;
    this.dispatcher = dispatcher;
    this.handler = handler;
    this.checkInterval = checkInterval;
    this.ticker = ticker;
    this.backoff = backoff;
    this.courier = new ReportCourier(outbox, dispatcher, ticker, backoff, refusals);
    this.statusChecks = new StatusSchedule(contact, checkInterval, ticker);
    this.signal = new LinkSignal(ticker);
    this.thread = UncaughtExceptions.essential(
        new Thread(this::loop, "runner-dispatcher-link"));
    thread.setDaemon(true);
  }

  /**
   * Starts delivering, then registering with {@code registration}.
   *
   * @throws IllegalStateException if started twice or after close
   */
  void start(Register registration) {
    if (!state.compareAndSet(NEW, STARTED)) {
      throw new IllegalStateException("dispatcher link already started or closed, state="
          + state.get());
    }
    this.registration = registration;
    thread.start();
  }

  /**
   * Makes the link look again now, rather than when its wait or backoff ends: a job ended (its
   * report is in the outbox), or (in tests) a fake ticker moved.
   */
  void wake() {
    signal.wake();
  }

  /**
   * Retries every report now, whatever its schedule, and waits at most {@code limit} until the
   * outbox is empty or a delivery attempt fails (the dispatcher is unreachable or refuses). For
   * a graceful stop.
   *
   * @return whether the outbox is empty
   */
  boolean awaitDelivered(Duration limit) throws InterruptedException {
    signal.awaitDelivered(limit, () -> outbox.isEmpty() || state.get() != STARTED);
    return outbox.isEmpty();
  }

  private void loop() {
    statusChecks.answered(); // count the first check interval from the start
    try {
      while (state.get() == STARTED) {
        try {
          step();
        } catch (RuntimeException e) {
          log.error("dispatcher link failed; retrying", e);
          pause(backoff.next());
        }
      }
    } catch (InterruptedException e) {
      // close() interrupted us: stop
    }
  }

  private void step() throws InterruptedException {
    if (signal.takeRetryAllRequest()) {
      courier.retryAllNow();
    }
    Optional<Results> due = courier.due();
    if (due.isPresent()) {
      deliver(due.get());
    } else if (needsRegistration) {
      registerWhenAllowed();
    } else {
      watchPings();
    }
  }

  private void deliver(Results results) {
    ReportCourier.Outcome outcome = courier.deliver(results);
    if (outcome == ReportCourier.Outcome.DELIVERED) {
      succeeded();
    } else if (outcome == ReportCourier.Outcome.UNREACHABLE) {
      needsRegistration = true; // it may have restarted: register once it is back
    }
    signal.deliveryAttempted(outcome == ReportCourier.Outcome.DELIVERED);
  }

  private void registerWhenAllowed() throws InterruptedException {
    if (!handler.isIdle()) {
      log.debug("a test job runs; registering once it is done");
      pause(courier.untilNextDue(checkInterval)); // the job's end wakes us
    } else if (!courier.allRefused()) {
      // deliver them first (a job that ended since this step began has put its report there)
      pause(courier.untilNextDue(checkInterval));
    } else {
      register();
    }
  }

  // A runtest may arrive during the call: the dispatcher sends one as soon as it has registered
  // the runner, so it is accepted.
  private void register() throws InterruptedException {
    Optional<CallFailure> failure = call(registration);
    if (failure.isEmpty()) {
      needsRegistration = false;
      statusChecks.answered();
      succeeded();
      log.info("registered with dispatcher {}", dispatcher.address());
      return;
    }
    failed("register", "dispatcher {} {}; retrying registration", dispatcher.address(),
        failure.get().description());
    Duration retry = backoff.next();
    if (!failure.get().refused()) {
      courier.unreachable(retry);
    }
    pause(courier.untilNextDue(retry));
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

  private void watchPings() throws InterruptedException {
    if (statusChecks.pingedSinceFailure()) {
      succeeded(); // the dispatcher is back and still has the runner
      return;
    }
    Duration wait = statusChecks.untilCheck();
    if (wait.isNegative() || wait.isZero()) {
      checkStatus();
    } else {
      pause(courier.untilNextDue(wait));
    }
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

  /** Waits {@code delay}, or less if {@link #wake()} is called. */
  private void pause(Duration delay) throws InterruptedException {
    signal.pause(delay);
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

  /**
   * Stops the link and waits for its thread; a call in flight cannot be interrupted and ends
   * within its timeouts. Reports not yet delivered stay in the outbox. Idempotent.
   *
   * @throws IllegalStateException if the thread is still running after the wait
   */
  @Override
  public void close() {
    if (state.getAndSet(CLOSED) != STARTED) {
      return;
    }
    thread.interrupt();
    try {
      thread.join(DispatcherClient.MAX_CALL.plusSeconds(1).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (thread.isAlive()) {
      throw new IllegalStateException("dispatcher link thread still running after close");
    }
  }
}
