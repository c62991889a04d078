package dev.surveil.runner;

import dev.surveil.protocol.CommitId;

/**
 * What the runner does with a commit it has accepted: test it and report the results. The runner
 * runs one job at a time, on its {@code runner-test} thread, so implementations need not be
 * thread-safe.
 */
@FunctionalInterface
public interface TestJob {
  /**
   * Tests {@code commit} and reports the results.
   *
   * @param testsDone called once the tests have run and before the report is sent: from then on
   *     the runner accepts the next commit. The dispatcher hands out the next commit as soon as
   *     it has the report, so a runner still "busy" while delivering would answer it BUSY.
   * @throws InterruptedException if the runner is shutting down; nothing is reported then
   */
  void run(CommitId commit, Runnable testsDone) throws InterruptedException;
}
