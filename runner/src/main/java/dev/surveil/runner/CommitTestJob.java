package dev.surveil.runner;

import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Results;
import dev.surveil.runner.execution.TestExecutor;
import dev.surveil.runner.execution.TestRunSummary;
import dev.surveil.time.Ticker;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Tests one commit: checks it out, runs its tests and puts the report in the {@link ReportOutbox},
 * from which the {@link DispatcherLink} delivers it. Every outcome, a failed checkout included, is
 * reported, so the dispatcher always hears back. Not thread-safe: the runner runs one job at a
 * time.
 */
final class CommitTestJob implements TestJob {
  private static final Logger log = LoggerFactory.getLogger(CommitTestJob.class);

  private final RepositoryCheckout checkout;
  private final TestExecutor executor;
  private final ReportOutbox outbox;
  private final Ticker ticker;

  CommitTestJob(RepositoryCheckout checkout, TestExecutor executor, ReportOutbox outbox,
      Ticker ticker) {
    this.checkout = checkout;
    this.executor = executor;
    this.outbox = outbox;
    this.ticker = ticker;
  }

  @Override
  public void run(CommitId commit, Runnable testsDone) throws InterruptedException {
    try (MDC.MDCCloseable ignored = MDC.putCloseable("commit", commit.value())) {
      log.info("started testing commit {}", commit);
      TestRunSummary summary = test(commit);
      if (Thread.interrupted()) {
        // the runner is closing: a run or checkout cut short is no result (an interrupted
        // checkout fails like a broken one), and the dispatcher gives the commit to another
        throw new InterruptedException("stopped testing commit " + commit);
      }
      log.info("finished testing commit {} outcome={} tests={} passed={} failed={} skipped={}"
          + " duration={}ms", commit, summary.outcome(), summary.tests().size(),
          summary.passed(), summary.failed(), summary.skipped(), summary.duration().toMillis());
      // stored before the job ends: the runner registers only when no job runs and the outbox
      // is empty, so the report must be in one place or the other at every moment
      outbox.put(new Results(commit, summary.report()));
      testsDone.run();
    }
  }

  private TestRunSummary test(CommitId commit) throws InterruptedException {
    long start = ticker.read();
    try {
      checkout.checkout(commit);
    } catch (IOException | RuntimeException e) {
      // JGit reports some I/O failures (e.g. a stale index.lock) as runtime exceptions; every
      // failure must still become a report, or the dispatcher never hears back
      log.warn("cannot check out commit {}: {}", commit, e.getMessage());
      return TestRunSummary.error(commit, "cannot check out commit " + commit + ": "
          + (e.getMessage() == null ? e.toString() : e.getMessage()), since(start));
    }
    log.info("checked out commit {} in {} ms", commit, since(start).toMillis());
    try {
      return executor.run(checkout.directory(), commit);
    } catch (RuntimeException e) {
      log.error("running the tests of commit {} failed", commit, e);
      return TestRunSummary.error(commit, "the runner could not run the tests: " + e,
          since(start));
    }
  }

  private Duration since(long startNanos) {
    return Duration.ofNanos(ticker.read() - startNanos);
  }
}
