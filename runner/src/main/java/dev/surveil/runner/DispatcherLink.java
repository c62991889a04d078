package dev.surveil.runner;

import dev.surveil.cli.DurationConverter;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Register;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Results;
import dev.surveil.protocol.Status;
import dev.surveil.time.Backoff;
import dev.surveil.time.Ticker;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Everything the runner asks of the dispatcher, on the daemon thread
 * {@code runner-dispatcher-link}, in this order of priority:
 *
 * <ol>
 *   <li>deliver the reports in the {@link ReportOutbox}, oldest first, deleting each once the
 *       dispatcher answered {@code OK};
 *   <li>register, once the outbox is empty and no test job runs: the dispatcher takes a
 *       {@code register} from a runner it thinks is testing a commit as "the runner restarted and
 *       lost it", and requeues the commit;
 *   <li>when the dispatcher has not pinged for the check interval, ask it for {@code status}; if
 *       it answers {@code OK} it has dropped the runner from its pool (or restarted), so register
 *       again.
 * </ol>
 *
 * <p>After the dispatcher was unreachable (a delivery or a status check failed to connect), the
 * runner registers again once it is back, after delivering its outbox: a dispatcher restarted
 * from its journal already knows the runner, and the registration is then harmless, but one that
 * lost its journal would otherwise wait for the check interval.
 *
 * <p>A call that fails is retried with a {@link Backoff} for as long as the runner runs: the
 * runner never gives up on its dispatcher. Each failing series logs one WARN. Thread-safe.
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
  private final DispatcherContact contact;
  private final Duration checkInterval;
  private final Ticker ticker;
  private final Backoff backoff;
  private final AtomicInteger state = new AtomicInteger(NEW);
  private final Thread thread;
  private volatile Register registration;
  private boolean signalled; // guarded by this
  private long failedDeliveries; // guarded by this

  // Only the link's thread uses these.
  private boolean needsRegistration = true;
  private long lastAnswerNanos; // the last registration, or status answered OK
  private Duration statusRetry; // null unless the last status check failed
  private long statusFailedNanos;
  private String failingCall; // what is failing now, so that a series logs one WARN

  /** The runner's delays between failed calls: 100 ms doubling to 5 s. */
  static Backoff standardBackoff() {
    return new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
  }

  DispatcherLink(ReportOutbox outbox, DispatcherClient dispatcher, TestRequestHandler handler,
      DispatcherContact contact, Duration checkInterval, Ticker ticker, Backoff backoff) {
    this.outbox = outbox;
    this.dispatcher = dispatcher;
    this.handler = handler;
    this.contact = contact;
    this.checkInterval = checkInterval;
    this.ticker = ticker;
    this.backoff = backoff;
    this.thread = new Thread(this::loop, "runner-dispatcher-link");
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
  synchronized void wake() {
    signalled = true;
    notifyAll();
  }

  /**
   * Retries delivery now and waits at most {@code limit} until the outbox is empty or a delivery
   * attempt fails (the dispatcher is unreachable or refuses). For a graceful stop.
   *
   * @return whether the outbox is empty
   */
  boolean awaitDelivered(Duration limit) throws InterruptedException {
    long deadline = ticker.read() + limit.toNanos();
    synchronized (this) {
      long failuresBefore = failedDeliveries;
      wake();
      long left;
      while (!outbox.isEmpty() && failedDeliveries == failuresBefore
          && state.get() == STARTED && (left = deadline - ticker.read()) > 0) {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }
    return outbox.isEmpty();
  }

  private void loop() {
    lastAnswerNanos = ticker.read();
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
    Optional<Results> report = outbox.oldest();
    if (report.isPresent()) {
      if (!deliver(report.get())) {
        pause(backoff.next());
      }
    } else if (needsRegistration) {
      if (!handler.isIdle()) {
        log.debug("a test job runs; registering once it is done");
        pause(checkInterval); // the job's end wakes us
      } else if (outbox.isEmpty() && !register()) {
        pause(backoff.next());
      } // else a job stored its report and ended just now: the next step delivers it
    } else {
      watchPings();
    }
  }

  private boolean deliver(Results results) {
    CommitId commit = results.commit();
    try (MDC.MDCCloseable ignored = MDC.putCloseable("commit", commit.value())) {
      String problem;
      try {
        Reply reply = dispatcher.send(results);
        if (reply == Reply.OK) {
          outbox.remove(results);
          succeeded();
          log.info("delivered results for commit {}", commit);
          deliveryAttempted(true);
          return true;
        }
        problem = "it answered '" + reply.text() + "'";
      } catch (IOException e) {
        problem = reason(e);
        needsRegistration = true; // it may have restarted: register once it is back
      }
      failed("deliver " + commit, "cannot deliver results for commit {} to dispatcher {}: {};"
          + " retrying", commit, dispatcher.address(), problem);
      deliveryAttempted(false);
      return false;
    }
  }

  /** Tells {@link #awaitDelivered} how an attempt went. */
  private synchronized void deliveryAttempted(boolean delivered) {
    failedDeliveries += delivered ? 0 : 1;
    notifyAll();
  }

  // A runtest may arrive during the call: the dispatcher sends one as soon as it has registered
  // the runner, so it is accepted.
  private boolean register() {
    try {
      Reply reply = dispatcher.send(registration);
      if (reply == Reply.OK) {
        needsRegistration = false;
        statusRetry = null;
        lastAnswerNanos = ticker.read();
        succeeded();
        log.info("registered with dispatcher {}", dispatcher.address());
        return true;
      }
      failed("register", "dispatcher {} answered '{}' to register; retrying registration",
          dispatcher.address(), reply.text());
    } catch (IOException e) {
      failed("register", "dispatcher {} is unreachable ({}); retrying registration",
          dispatcher.address(), reason(e));
    }
    return false;
  }

  private void watchPings() throws InterruptedException {
    long now = ticker.read();
    Duration sincePing = contact.silence();
    Duration wait;
    if (statusRetry != null) {
      Duration sinceFailure = Duration.ofNanos(now - statusFailedNanos);
      if (sincePing.compareTo(sinceFailure) < 0) {
        statusRetry = null; // pinged since: the dispatcher is back and still has the runner
        succeeded();
        return;
      }
      wait = statusRetry.minus(sinceFailure);
    } else {
      Duration sinceAnswer = Duration.ofNanos(now - lastAnswerNanos);
      wait = checkInterval.minus(sincePing.compareTo(sinceAnswer) < 0 ? sincePing : sinceAnswer);
    }
    if (wait.isNegative() || wait.isZero()) {
      checkStatus(sincePing);
    } else {
      pause(wait);
    }
  }

  private void checkStatus(Duration sincePing) {
    String silence = DurationConverter.format(Duration.ofMillis(sincePing.toMillis()));
    try {
      Reply reply = dispatcher.send(new Status());
      if (reply == Reply.OK) {
        statusRetry = null;
        succeeded();
        lastAnswerNanos = ticker.read();
        needsRegistration = true;
        log.info("not pinged for {}; registering again with dispatcher {}", silence,
            dispatcher.address());
        return;
      }
      failed("status", "not pinged for {} and dispatcher {} answered '{}' to status; retrying",
          silence, dispatcher.address(), reply.text());
    } catch (IOException e) {
      failed("status", "not pinged for {} and dispatcher {} is unreachable ({}); retrying",
          silence, dispatcher.address(), reason(e));
      needsRegistration = true; // register once it is back
    }
    statusFailedNanos = ticker.read();
    statusRetry = backoff.next();
  }

  /** Waits {@code delay}, or less if {@link #wake()} is called. */
  private synchronized void pause(Duration delay) throws InterruptedException {
    long deadline = ticker.read() + delay.toNanos();
    long left;
    while (!signalled && (left = deadline - ticker.read()) > 0) {
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    signalled = false;
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

  private static String reason(IOException e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
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
