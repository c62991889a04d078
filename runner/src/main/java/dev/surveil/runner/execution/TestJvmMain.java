package dev.surveil.runner.execution;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.engine.discovery.DiscoverySelectors;

/**
 * The main class of the test JVM that {@link JUnitSourceExecutor} starts: runs every JUnit test
 * found in a classes folder and writes a {@link ResultFile}. Arguments: the runner's pid, the
 * classes folder, the results file. It halts when done (so threads a test leaked cannot keep it
 * alive) and as soon as the runner is gone: at EOF on stdin (a pipe the runner holds) or when the
 * runner's pid exits, so killing a runner never leaves a test JVM behind. Not for other use.
 */
public final class TestJvmMain {
  /** Exit code when the run finished, whatever the tests did. */
  static final int EXIT_FINISHED = 0;
  /** Exit code when JUnit itself failed; the stack trace is on stderr. */
  static final int EXIT_BROKEN = 2;
  /** Exit code when the runner died first. */
  static final int EXIT_ORPHANED = 3;

  private TestJvmMain() {}

  public static void main(String[] args) {
    if (args.length != 3) {
      System.err.println("usage: TestJvmMain <runner-pid> <classes-dir> <results-file>");
      halt(EXIT_BROKEN);
    }
    watchRunner(Long.parseLong(args[0]));
    halt(run(Path.of(args[1]), Path.of(args[2])));
  }

  private static int run(Path classes, Path results) {
    try (ResultFileWriter writer = new ResultFileWriter(results)) {
      LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
          .selectors(DiscoverySelectors.selectClasspathRoots(Set.of(classes)))
          .build();
      LauncherFactory.create().execute(request, writer);
      writer.finish();
      return EXIT_FINISHED;
    } catch (Throwable e) { // JUnit broke, or the results file could not be written
      e.printStackTrace();
      return EXIT_BROKEN;
    }
  }

  private static void watchRunner(long pid) {
    Optional<ProcessHandle> runner = ProcessHandle.of(pid);
    if (runner.isEmpty()) {
      runnerGone("pid " + pid + " is not running");
    }
    // onExit polls a process that is not our parent, at intervals growing to 5 s: a backup.
    runner.get().onExit().thenRun(() -> runnerGone("pid " + pid + " exited"));
    Thread stdinWatch = new Thread(TestJvmMain::awaitEndOfStdin, "surveil-runner-watch");
    stdinWatch.setDaemon(true);
    stdinWatch.start();
  }

  private static void awaitEndOfStdin() {
    byte[] buffer = new byte[256];
    try {
      InputStream stdin = new FileInputStream(FileDescriptor.in);
      while (stdin.read(buffer) >= 0) {
        // the runner never writes; only the end of the stream matters
      }
    } catch (IOException e) {
      return; // a test closed System.in: rely on the pid watch
    }
    runnerGone("stdin closed");
  }

  private static void runnerGone(String why) {
    System.err.println("surveil test JVM: the runner is gone (" + why + "), halting");
    halt(EXIT_ORPHANED);
  }

  private static void halt(int status) {
    ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
    System.out.flush();
    System.err.flush();
    Runtime.getRuntime().halt(status);
  }
}
