package dev.surveil.runner;

import dev.surveil.protocol.CommitId;

/**
 * What the runner does with a commit it has accepted: test it and keep the report for delivery.
 * The runner runs one job at a time, on its {@code runner-test} thread, so implementations need
 * not be thread-safe.
 */
@FunctionalInterface
public interface TestJob {
  /**
   * Tests {@code commit} and keeps the report for delivery.
   *
   * @param testsDone called once the tests have run and the report is kept: from then on the
   *     runner accepts the next commit. The dispatcher hands out the next commit as soon as it has
   *     the report, so a runner still "busy" at that moment would answer it BUSY.
   * @throws InterruptedException if the runner is shutting down; nothing is reported then
   */
  void run(CommitId commit, Runnable testsDone) throws InterruptedException;
}
