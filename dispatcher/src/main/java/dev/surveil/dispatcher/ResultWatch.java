package dev.surveil.dispatcher;

import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.RunTest;
import dev.surveil.time.Durations;
import dev.surveil.time.Ticker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Keeps a commit from being "being tested" for ever when its runner is alive but its result
 * never arrives (the runner lost it, or someone between the two answered {@code OK} to its
 * {@code results}). Once a runner has had a commit for the result timeout, the dispatcher sends it
 * {@code runtest:<commit>} again: a Surveil runner that is testing it or holds its report answers
 * {@code OK} and starts nothing, and one that does not have it tests it again (and answers
 * {@code OK}) or answers {@code BUSY}. {@code OK} restarts the wait; {@code BUSY} means the runner
 * no longer has the commit, which goes back to the front of the queue. No answer changes nothing
 * (the heartbeat decides whether the runner is dead), nor does a commit whose report waits with
 * its runner because the results folder cannot be written.
 *
 * <p>{@link #sweep} runs on the heartbeat thread; each question on the executor's threads.
 * Thread-safe.
 */
final class ResultWatch {
  private static final Logger log = LoggerFactory.getLogger(ResultWatch.class);

  /** When a runner was given a commit, or last said it still has it. */
  private record Since(HostAndPort runner, long nanos) {}

  private final RunnerPool pool;
  private final RunnerClient client;
  private final Ticker ticker;
  private final Duration timeout;
  private final Map<CommitId, Since> since = new ConcurrentHashMap<>();
  private final Set<CommitId> asking = ConcurrentHashMap.newKeySet();

  ResultWatch(RunnerPool pool, RunnerClient client, Ticker ticker, Duration timeout) {
    this.pool = pool;
    this.client = client;
    this.ticker = ticker;
    this.timeout = timeout;
  }

  /**
   * Notes the commits that runners have now (from the first sweep that sees each), and asks
   * each runner that has had one for the timeout, on {@code executor}; does not wait.
   */
  void sweep(Executor executor) {
    long now = ticker.read();
    Map<CommitId, HostAndPort> assigned = pool.assignments();
    since.keySet().retainAll(assigned.keySet());
    assigned.forEach((commit, runner) -> {
      Since noted = since.get(commit);
      if (noted == null || !noted.runner().equals(runner)) {
        since.put(commit, new Since(runner, now));
      } else if (now - noted.nanos() >= timeout.toNanos() && !pool.reportWaiting(commit)
          && asking.add(commit)) {
        try {
          executor.execute(() -> ask(commit, runner));
        } catch (RejectedExecutionException e) {
          asking.remove(commit); // shutting down
        }
      }
    });
  }

  private void ask(CommitId commit, HostAndPort runner) {
    try (MDC.MDCCloseable ignored = MDC.putCloseable("commit", commit.value())) {
      String waited = Durations.format(timeout);
      Reply reply;
      try {
        reply = client.send(runner, new RunTest(commit));
      } catch (IOException e) {
        log.info("no result for commit {} from runner {} after {}, and the runner did not answer"
            + " whether it has it ({}); asking again later", commit, runner, waited,
            e.getMessage() == null ? e.toString() : e.getMessage());
        return;
      }
      if (reply == Reply.OK) {
        since.put(commit, new Since(runner, ticker.read()));
        log.info("no result for commit {} from runner {} after {}; the runner says it has it,"
            + " waiting {} more", commit, runner, waited, waited);
      } else if (reply == Reply.BUSY) {
        requeue(commit, runner, waited);
      } else {
        log.warn("no result for commit {} from runner {} after {}; it answered '{}' to runtest",
            commit, runner, waited, reply.text());
      }
    } finally {
      asking.remove(commit);
    }
  }

  private void requeue(CommitId commit, HostAndPort runner, String waited) {
    try {
      if (pool.requeueFrom(commit, runner)) {
        log.warn("no result for commit {} from runner {} after {}, and the runner no longer has"
            + " it; the commit goes back to the front of the queue", commit, runner, waited);
      }
    } catch (UncheckedIOException e) {
      // the journal cannot record it (the storage health has logged why): ask again later
      log.debug("cannot requeue commit {} now: {}", commit, e.getMessage());
    }
  }
}
