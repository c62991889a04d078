package dev.surveil.runner;

import dev.surveil.lifecycle.Worker;
import dev.surveil.protocol.Register;
import dev.surveil.protocol.Results;
import dev.surveil.time.Backoff;
import dev.surveil.time.Ticker;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the runner asks of the dispatcher, on the daemon {@link Worker}
 * {@code runner-dispatcher-link}: first it delivers the reports of the {@link ReportOutbox} that
 * are due, oldest first (see {@link ReportCourier}): a new report at once, one the dispatcher
 * refused on its own {@link DeliverySchedule}, so it never holds up newer reports, registration
 * or new work; only when none is due does it let the {@link RegistrationWatch} register or check
 * that the dispatcher still has the runner. One thread makes every call, so a registration never
 * overtakes a report the dispatcher waits for.
 *
 * <p>A call that finds the dispatcher unreachable ({@link CallFailure}) is followed by no call
 * for a {@link Backoff} delay (100 ms doubling to 5 s); then every report is delivered again,
 * refused ones too, before the runner registers again (a dispatcher that was away may have
 * restarted and expect one of them). The runner never gives up on its dispatcher. Each failed
 * delivery logs a WARN with the report's attempt count, and one ERROR once the report has been
 * undeliverable for 10 minutes. Time comes from the {@link Ticker}. Thread-safe.
 *
 * <p>Lifecycle: construct, {@link #start} once, {@link #close()} (idempotent).
 */
final class DispatcherLink implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DispatcherLink.class);
  /** A call in flight cannot be interrupted, and ends within its timeouts. */
  private static final Duration CLOSE_TIMEOUT = DispatcherClient.MAX_CALL.plusSeconds(1);

  private final ReportOutbox outbox;
  private final Backoff backoff;
  private final ReportCourier courier;
  private final RegistrationWatch registration;
  private final LinkSignal signal;
  private final Worker worker;
  private final AtomicReference<Register> request = new AtomicReference<>();

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
    this.backoff = backoff;
    this.courier = new ReportCourier(outbox, dispatcher, ticker, backoff, refusals);
    this.registration = new RegistrationWatch(dispatcher, handler, courier,
        new StatusSchedule(contact, checkInterval, ticker), checkInterval, backoff);
    this.signal = new LinkSignal(ticker);
    this.worker = Worker.daemon("runner-dispatcher-link", this::loop);
  }

  /**
   * Starts delivering, then registering with {@code registration}.
   *
   * @throws IllegalStateException if started twice or after close
   */
  void start(Register registration) {
    // set before the thread starts, which then sees it; a second start fails below
    request.compareAndSet(null, Objects.requireNonNull(registration, "registration"));
    worker.start();
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
    signal.awaitDelivered(limit, () -> outbox.isEmpty() || !worker.isRunning());
    return outbox.isEmpty();
  }

  private void loop() throws InterruptedException {
    registration.begin(request.get()); // count the first check interval from the start
    while (worker.isRunning()) {
      try {
        step();
      } catch (RuntimeException e) {
        log.error("dispatcher link failed; retrying", e);
        signal.pause(backoff.next());
      }
    }
  }

  private void step() throws InterruptedException {
    if (signal.takeRetryAllRequest()) {
      courier.retryAllNow();
    }
    Optional<Results> due = courier.due();
    if (due.isPresent()) {
      deliver(due.get());
      return;
    }
    Duration wait = registration.step();
    if (!wait.isZero()) {
      signal.pause(courier.untilNextDue(wait));
    }
  }

  private void deliver(Results results) {
    ReportCourier.Outcome outcome = courier.deliver(results);
    if (outcome == ReportCourier.Outcome.DELIVERED) {
      registration.dispatcherAnswered();
    } else if (outcome == ReportCourier.Outcome.UNREACHABLE) {
      registration.dispatcherUnreachable(); // it may have restarted: register once it is back
    }
    signal.deliveryAttempted(outcome == ReportCourier.Outcome.DELIVERED);
  }

  /**
   * Stops the link and waits for its thread; a call in flight cannot be interrupted and ends
   * within its timeouts. Reports not yet delivered stay in the outbox. Idempotent.
   *
   * @throws IllegalStateException if the thread is still running after the wait
   */
  @Override
  public void close() {
    worker.close(CLOSE_TIMEOUT);
  }
}
