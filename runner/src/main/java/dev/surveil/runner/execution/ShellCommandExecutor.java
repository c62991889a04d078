package dev.surveil.runner.execution;

import dev.surveil.protocol.CommitId;
import dev.surveil.time.Durations;
import dev.surveil.time.Ticker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tests a checkout by running a shell command in it ({@code sh -c COMMAND}), for repositories
 * whose tests are not plain JUnit sources, e.g. {@code mvn -q test}. Exit code 0 means PASSED,
 * anything else FAILED; the report holds the last MiB of the command's merged stdout and stderr.
 * The command and its descendants are killed after the timeout. Thread-safe: runs share nothing.
 */
public final class ShellCommandExecutor implements TestExecutor {
  /** The most output a report keeps: the end of it, where the failures usually are. */
  static final int OUTPUT_LIMIT = 1024 * 1024;

  private static final Logger log = LoggerFactory.getLogger(ShellCommandExecutor.class);

  private final String command;
  private final Duration timeout;
  private final Path tempRoot;

  /** Runs {@code command}, killing it after {@code timeout}. */
  public ShellCommandExecutor(String command, Duration timeout) {
    this(command, timeout, null);
  }

  /** Puts its temporary folders in {@code tempRoot} (null: the system's temporary folder). */
  public ShellCommandExecutor(String command, Duration timeout, Path tempRoot) {
    Objects.requireNonNull(command, "command");
    if (command.isBlank()) {
      throw new IllegalArgumentException("command must not be blank: '" + command + "'");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    this.command = command;
    this.timeout = timeout;
    this.tempRoot = tempRoot;
  }

  @Override
  public TestRunSummary run(Path checkout, CommitId commit) throws InterruptedException {
    long start = Ticker.SYSTEM.read();
    if (!Files.isDirectory(checkout)) {
      return TestRunSummary.error(commit, "the checkout is not a folder: " + checkout,
          since(start));
    }
    try (WorkFolder work = WorkFolder.create(tempRoot, "surveil-shell-")) {
      OutputTail output = new OutputTail(work.resolve("output"), OUTPUT_LIMIT);
      ProcessBuilder builder = new ProcessBuilder("sh", "-c", command)
          .directory(checkout.toFile());
      ChildProcess.Ending ending = ChildProcess.run(builder, output, timeout);
      String text = output.text();
      String separator = text.isEmpty() || text.endsWith("\n") ? "" : "\n";
      if (ending.timedOut()) {
        return new TestRunSummary(commit, Outcome.TIMED_OUT, List.of(), text + separator
            + "command `" + command + "` was killed after " + Durations.format(timeout),
            since(start));
      }
      Outcome outcome = ending.exitCode() == 0 ? Outcome.PASSED : Outcome.FAILED;
      return new TestRunSummary(commit, outcome, List.of(), text + separator + "command `"
          + command + "` exited with code " + ending.exitCode(), since(start));
    } catch (IOException | RuntimeException e) {
      log.warn("test command failed to run commit={} command={}", commit, command, e);
      return TestRunSummary.error(commit,
          "the runner could not run `" + command + "`: " + e, since(start));
    }
  }

  private static Duration since(long start) {
    return Duration.ofNanos(Ticker.SYSTEM.read() - start);
  }
}
