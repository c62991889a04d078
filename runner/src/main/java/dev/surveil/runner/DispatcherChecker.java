package dev.surveil.runner;

import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Status;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chapter's {@code dispatcher_checker}: when the dispatcher has not pinged for the check
 * interval, asks it for its {@code status}; if it does not answer {@code OK}, the runner has no one
 * to work for and shuts down. Runs on the daemon thread {@code runner-dispatcher-checker}.
 * Thread-safe.
 *
 * <p>Lifecycle: construct, {@link #start()} once, {@link #close()} (idempotent).
 */
final class DispatcherChecker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DispatcherChecker.class);
  private static final int NEW = 0;
  private static final int STARTED = 1;
  private static final int CLOSED = 2;

  private final DispatcherContact contact;
  private final Duration interval;
  private final DispatcherClient dispatcher;
  private final Runnable onGone;
  private final AtomicInteger state = new AtomicInteger(NEW);
  private final Thread thread;

  /**
   * @param onGone called once, on the checker's thread, when the dispatcher is gone
   */
  DispatcherChecker(DispatcherContact contact, Duration interval, DispatcherClient dispatcher,
      Runnable onGone) {
    this.contact = contact;
    this.interval = interval;
    this.dispatcher = dispatcher;
    this.onGone = onGone;
    this.thread = new Thread(this::checkLoop, "runner-dispatcher-checker");
    thread.setDaemon(true);
  }

  /**
   * Starts checking.
   *
   * @throws IllegalStateException if started twice or after close
   */
  void start() {
    if (!state.compareAndSet(NEW, STARTED)) {
      throw new IllegalStateException("dispatcher checker already started or closed, state="
          + state.get());
    }
    thread.start();
  }

  private void checkLoop() {
    try {
      while (state.get() == STARTED) {
        contact.awaitSilence(interval);
        String problem = askStatus();
        if (problem == null) {
          contact.record();
        } else if (state.get() == STARTED) {
          log.warn("dispatcher {} is gone; shutting down reason={}", dispatcher.address(), problem);
          onGone.run();
          return;
        }
      }
    } catch (InterruptedException e) {
      // close() interrupted us: stop checking
    }
  }

  /** Asks the dispatcher for its status; returns null if it answered OK, else what went wrong. */
  private String askStatus() {
    log.debug("no ping for silence={}; asking dispatcher {} for status", contact.silence(),
        dispatcher.address());
    try {
      Reply reply = dispatcher.send(new Status());
      return reply == Reply.OK ? null : "it answered '" + reply.text() + "' to status";
    } catch (IOException e) {
      return e.getMessage() == null ? e.toString() : e.getMessage();
    }
  }

  /**
   * Stops the checker and waits for its thread, unless called from that thread (as when the
   * dispatcher is gone and the runner shuts itself down). Idempotent.
   */
  @Override
  public void close() {
    if (state.getAndSet(CLOSED) != STARTED || Thread.currentThread() == thread) {
      return;
    }
    thread.interrupt();
    try {
      // a status check in flight cannot be interrupted; it ends within its timeouts
      thread.join(DispatcherClient.MAX_CALL.plusSeconds(1).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (thread.isAlive()) {
      throw new IllegalStateException("dispatcher checker thread still running after close");
    }
  }
}
