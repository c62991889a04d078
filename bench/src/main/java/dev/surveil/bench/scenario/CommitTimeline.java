package dev.surveil.bench.scenario;

import java.util.OptionalLong;

/**
 * When one commit passed each point on its way from the commit to its stored result, in epoch
 * milliseconds (the bench's clock for the commit, the programs' log lines for the rest; one
 * machine, one clock), and the phases between them. The phases add up to the total. Immutable.
 *
 * @param committed when the bench's commit returned (before it sent any notify or dispatch)
 * @param queued dispatcher {@code queued commit}
 * @param started runner {@code started testing commit}
 * @param checkedOut runner {@code checked out commit ... in n ms}, if the runner logs it
 * @param finished runner {@code finished testing commit}
 * @param testMillis the {@code duration=} of that line: compiling and the test JVM
 * @param stored dispatcher {@code stored result for commit}
 */
record CommitTimeline(long committed, long queued, long started, OptionalLong checkedOut,
    long finished, long testMillis, long stored) {

  /** Commit to result file. */
  long total() {
    return stored - committed;
  }

  /** Commit to the dispatcher queueing it: the observer's poll (or notify) and dispatch. */
  long detect() {
    return inQueue() - committed;
  }

  /** Queued to the runner starting the job: the redistributor's {@code runtest}. */
  long queue() {
    return started - inQueue();
  }

  /**
   * When the commit entered the queue. The dispatcher logs {@code queued} just after queueing
   * it, so on a busy machine the runner can log {@code started} first: the earlier line counts.
   */
  private long inQueue() {
    return Math.min(queued, started);
  }

  /**
   * The runner's fetch and checkout: up to its {@code checked out} line, or, without it, the job's
   * time less the executor's own duration.
   */
  long checkout() {
    return checkedOut.isPresent() ? checkedOut.getAsLong() - started
        : finished - started - testMillis;
  }

  /** Compiling the tests and running them in a child JVM. */
  long testRun() {
    return checkedOut.isPresent() ? finished - checkedOut.getAsLong() : testMillis;
  }

  /** The runner's {@code results} to the dispatcher's stored file. */
  long report() {
    return stored - finished;
  }
}
