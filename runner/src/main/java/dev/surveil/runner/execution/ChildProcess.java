package dev.surveil.runner.execution;

import dev.surveil.time.Ticker;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a child process until it exits or a deadline passes, its stdout and stderr going to an
 * {@link OutputTail}. On timeout, interrupt or any error the process and its descendants are
 * killed before {@link #run} returns or throws, so the caller may delete the files it used.
 * Stateless and thread-safe.
 *
 * <p>The child's stdin is a pipe this JVM holds open until the child ends: the kernel closes it
 * when this JVM dies, however it dies, so a child that reads stdin learns of it at once.
 */
final class ChildProcess {
  /** Never handed to code under test: it would let a test impersonate the runner. */
  static final String TOKEN_VARIABLE = "SURVEIL_TOKEN";

  private static final Logger log = LoggerFactory.getLogger(ChildProcess.class);
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private ChildProcess() {}

  /**
   * How a child process ended.
   *
   * @param timedOut whether it was killed at the deadline
   * @param exitCode its exit code; meaningless when {@code timedOut}
   */
  record Ending(boolean timedOut, int exitCode) {}

  /**
   * Starts {@code builder} (after removing {@value #TOKEN_VARIABLE} from its environment and
   * redirecting its stdout and stderr to {@code output}) and waits for it at most
   * {@code timeout}.
   *
   * @throws InterruptedException if interrupted while waiting; the process tree is killed first
   */
  static Ending run(ProcessBuilder builder, OutputTail output, Duration timeout)
      throws IOException, InterruptedException {
    builder.environment().remove(TOKEN_VARIABLE);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(output.file().toFile()));
    builder.redirectInput(ProcessBuilder.Redirect.PIPE);
    long deadline = Ticker.SYSTEM.read() + timeout.toNanos();
    Process process = builder.start();
    log.debug("child process started pid={} command={}", process.pid(), builder.command());
    boolean exited = false;
    try {
      long left;
      while ((left = deadline - Ticker.SYSTEM.read()) > 0) {
        if (process.waitFor(Math.min(left, POLL_NANOS), TimeUnit.NANOSECONDS)) {
          exited = true;
          return new Ending(false, process.exitValue());
        }
        output.trim();
      }
      log.debug("child process timed out pid={} timeout={}", process.pid(), timeout);
      return new Ending(true, -1);
    } finally {
      if (!exited) {
        ProcessTree.kill(process.toHandle());
      }
      closeStdin(process);
    }
  }

  private static void closeStdin(Process process) {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      log.debug("could not close stdin pid={}", process.pid(), e);
    }
  }
}
