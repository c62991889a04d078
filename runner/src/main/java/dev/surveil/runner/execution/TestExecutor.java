package dev.surveil.runner.execution;

import dev.surveil.protocol.CommitId;
import java.nio.file.Path;

/** Runs the tests of a checked-out commit. Implementations are thread-safe. */
public interface TestExecutor {
  /**
   * Runs the tests in {@code checkout}. Never throws for a failed, crashed or hung run: every
   * outcome is a {@link TestRunSummary}.
   *
   * @throws InterruptedException if the calling thread is interrupted (the run is then killed)
   */
  TestRunSummary run(Path checkout, CommitId commit) throws InterruptedException;
}
