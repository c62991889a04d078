package dev.surveil.runner.execution;

import dev.surveil.protocol.CommitId;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Stands in for a runner process in {@link TestJvmMainTest}: runs the tests of a checkout with a
 * {@link JUnitSourceExecutor}, so that the test can kill it with SIGKILL mid-run. Arguments: the
 * checkout, the folder for temporary files.
 */
public final class RunnerStandInMain {
  private RunnerStandInMain() {}

  public static void main(String[] args) throws Exception {
    new JUnitSourceExecutor(Duration.ofMinutes(5), Path.of(args[1]))
        .run(Path.of(args[0]), new CommitId("deadbeef".repeat(5)));
  }
}
