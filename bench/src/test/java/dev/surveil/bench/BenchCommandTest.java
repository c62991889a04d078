package dev.surveil.bench;

import dev.surveil.testing.CommandLineContract;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's command line, run in process, up to the point where it would start programs. */
class BenchCommandTest implements CommandLineContract {
  @TempDir
  Path root;

  @Override
  public BenchCommand newCommand() {
    return new BenchCommand();
  }

  @Test
  void unknownScenarioIsAUsageErrorBeforeAnythingIsChecked() {
    run("--root", root.toString(), "--only", "latency,nope").assertUsageError("--only nope: not"
        + " a scenario; choose from latency, failover, throughput, scale, unterminated, forgery,"
        + " flood");
  }

  @Test
  void missingRootIsAUsageError() {
    run().assertUsageError("Missing required option: '--root=DIR'");
  }

  @Test
  void rootWithoutTheBuiltBenchIsOneLineAndExitCode1() {
    run("--root", root.toString()).assertFailure(root.resolve(
        "bench/target/lib/junit-platform-console-standalone.jar")
        + " is missing; scripts/bench builds it");
  }
}
