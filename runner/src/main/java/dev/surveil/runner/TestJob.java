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
   * @throws InterruptedException if the runner is shutting down; nothing is reported then
   */
  void run(CommitId commit) throws InterruptedException;
}
