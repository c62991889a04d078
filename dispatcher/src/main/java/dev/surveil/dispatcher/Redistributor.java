package dev.surveil.dispatcher;

import dev.surveil.lifecycle.Worker;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.RunTest;
import dev.surveil.time.Backoff;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The thread that hands pending commits to idle runners with {@code runtest}. It sleeps on the
 * {@link RunnerPool} until there is both a pending commit and an idle runner; when every idle
 * runner answers {@code BUSY} or cannot be reached it backs off (100 ms doubling to 2 s, cut
 * short by any change in the pool; a {@link Backoff}). While the results folder cannot be written
 * ({@link StorageHealth}) it offers nothing: a commit tested then would only make a result that
 * cannot be stored. Owns one {@link Worker}, whose close closes the pool; thread-safe to start
 * and close.
 */
final class Redistributor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Redistributor.class);
  private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

  private final RunnerPool pool;
  private final RunnerClient client;
  private final StorageHealth storage;
  private final Worker worker;

  Redistributor(RunnerPool pool, RunnerClient client, StorageHealth storage) {
    this.pool = pool;
    this.client = client;
    this.storage = storage;
    this.worker = Worker.daemon("dispatcher-redistributor", this::run).whenClosing(pool::close);
  }

  private void run() throws InterruptedException {
    Backoff backoff = new Backoff(MIN_BACKOFF, MAX_BACKOFF);
    Optional<RunnerPool.Work> work;
    while ((work = pool.takeWork()).isPresent()) {
      if (!storage.isHealthy()) {
        storage.awaitHealthy();
        continue; // the pool may have changed meanwhile
      }
      boolean placed = false;
      try {
        placed = place(work.get());
      } catch (UncheckedIOException e) {
        // the journal could not record the assignment (the storage health has logged why):
        // the commit stays queued, and a Surveil runner's claim is answered Not assigned
        log.warn("commit {} stays queued: {}", work.get().commit(), e.getMessage());
      } catch (RuntimeException e) {
        // a bug must not end the only thread that hands out work; log it and go on
        log.error("offering commit {} failed; retrying", work.get().commit(), e);
      }
      if (placed) {
        backoff.reset();
      } else {
        pool.awaitChange(backoff.next().toNanos());
      }
    }
  }

  /**
   * Offers the commit to each idle runner in turn; true once one accepted it. Every offer and
   * its outcome is logged. While an offer is out, {@link RunnerPool#mayTest} answers yes to that
   * runner, whose claim may arrive before its {@code OK} is read here.
   */
  boolean place(RunnerPool.Work work) {
    CommitId commit = work.commit();
    try (MDC.MDCCloseable ignored = MDC.putCloseable("commit", commit.value())) {
      for (HostAndPort runner : work.idleRunners()) {
        pool.offering(commit, runner);
        try {
          if (offer(commit, runner)) {
            return true;
          }
        } finally {
          pool.offerEnded(commit); // only once assigned: a claim must not fall between the two
        }
      }
      return false;
    }
  }

  /** Sends one {@code runtest}; true if the runner took the commit. */
  private boolean offer(CommitId commit, HostAndPort runner) {
    Reply reply;
    try {
      reply = client.send(runner, new RunTest(commit));
    } catch (IOException e) {
      log.info("offered commit {} to runner {}: no answer ({}); the commit stays queued",
          commit, runner, e.getMessage() == null ? e.toString() : e.getMessage());
      return false; // the heartbeat decides whether it is dead
    }
    if (reply != Reply.OK) {
      log.info("offered commit {} to runner {}: it answered '{}'; the commit stays queued",
          commit, runner, reply.text());
      return false;
    }
    if (pool.assign(commit, runner)) {
      log.info("dispatched commit {} to runner {}", commit, runner);
    } else if (!pool.pending().contains(commit)) {
      log.info("runner {} took commit {}, whose result it delivered meanwhile", runner, commit);
    } else {
      log.warn("runner {} took commit {} but left the pool meanwhile; it stays queued",
          runner, commit);
    }
    return true;
  }

  /** Starts the thread. */
  void start() {
    worker.start();
  }

  /**
   * Closes the pool and stops the thread.
   *
   * @throws IllegalStateException if the thread did not end within {@link Worker#CLOSE_TIMEOUT}
   */
  @Override
  public void close() {
    worker.close();
  }
}
