package dev.surveil.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.surveil.net.ServerOptions;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.testing.CommandLineContract;
import dev.surveil.testing.FailingFolder;
import dev.surveil.testing.LogRecorder;
import dev.surveil.testing.ProgramRun;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dispatcher's command line, run in process: every start-up failure is one line naming the
 * option, its value and the reason, with exit code 2 and the usage (a value that can never work)
 * or exit code 1.
 */
class DispatcherCommandTest implements CommandLineContract {
  private static final long PID = ProcessHandle.current().pid();
  private static final String NL = System.lineSeparator();

  @TempDir
  Path temp;

  @Override
  public DispatcherCommand newCommand() {
    return new DispatcherCommand();
  }

  /** Runs on loopback with a free port and the results in {@code results}, plus {@code args}. */
  private ProgramRun runOn(Path results, String... args) {
    String[] all = new String[args.length + 6];
    System.arraycopy(new String[] {"--host", "127.0.0.1", "--port", "0", "--results-dir",
        results.toString()}, 0, all, 0, 6);
    System.arraycopy(args, 0, all, 6, args.length);
    return run(all);
  }

  @Test
  void refusesZeroDurationsAndDurationsWithoutTheirUnit() {
    run("--result-timeout", "0s").assertUsageError("--result-timeout 0s: not a positive"
        + " duration; write e.g. 500ms, 5s, 10m or 1h");
    run("--heartbeat-timeout", "0s").assertUsageError("--heartbeat-timeout 0s: not a positive"
        + " duration; write e.g. 500ms, 5s, 10m or 1h");
    run("--heartbeat-interval", "5").assertUsageError("--heartbeat-interval 5: a duration needs"
        + " a unit: 5ms, 5s, 5m or 5h");
  }

  @Test
  void refusesAResultsDirThatIsAFile() throws Exception {
    Path file = Files.writeString(temp.resolve("passwd"), "root:x:0:0\n");

    runOn(file).assertUsageError("--results-dir " + file + ": not a folder");

    assertThat(Files.readString(file)).isEqualTo("root:x:0:0\n");
  }

  @Test
  void saysWhyTheResultsDirCannotBeMade() throws Exception {
    Path file = Files.writeString(temp.resolve("a-file"), "");
    Path below = file.resolve("results");

    runOn(below).assertFailure("--results-dir " + below + ": cannot create folder " + below
        + ": Not a directory");
  }

  @Test
  void saysTheResultsDirIsNotWritable() throws Exception {
    try (FailingFolder results = FailingFolder.create(temp.resolve("results"))) {
      results.startFailing();

      ProgramRun run = runOn(results.path());

      // a full disk still takes an empty lock file; a read-only folder does not
      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err()).matches(Pattern.quote("dispatcher: --results-dir "
          + results.path() + ": cannot ") + "(create|write) lock file " + Pattern.quote(
          results.path().resolve(".surveil-lock") + ": " + results.reason() + NL));
    }
  }

  @Test
  void saysWhyItCannotRewriteTheJournalOfAFolderItCannotWriteAndLeavesItAlone()
      throws Exception {
    try (FailingFolder results = FailingFolder.create(temp.resolve("results"))) {
      try (DispatcherService first = new DispatcherService(new DispatcherSettings(
          new InetSocketAddress("127.0.0.1", 0), results.path(), Duration.ofSeconds(1),
          Duration.ofSeconds(2), ServerOptions.DEFAULT))) {
        first.pool().register(new dev.surveil.protocol.HostAndPort("127.0.0.1", 8901));
      }
      Path journal = results.path().resolve(JournalFile.NAME);
      byte[] before = Files.readAllBytes(journal);
      results.startFailing();

      ProgramRun run = runOn(results.path());

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err()).startsWith("dispatcher: --results-dir " + results.path()
          + ": cannot rewrite journal " + journal + ": " + results.reason()).endsWith(NL)
          .hasLineCount(1);
      assertThat(Files.readAllBytes(journal)).isEqualTo(before);
      assertThat(results.path().resolve(JournalFile.NAME + ".tmp")).doesNotExist();
    }
  }

  @Test
  void refusesAHostThatDoesNotResolveBeforeWarningAnythingAboutIt() {
    try (LogRecorder logs = LogRecorder.record("dev.surveil", Level.INFO)) {
      run("--host", "nosuchhost.invalid", "--results-dir", temp.resolve("results").toString())
          .assertUsageError("--host nosuchhost.invalid: cannot resolve host name");
      assertThat(logs.lines()).isEmpty();
    }
    assertThat(temp.resolve("results")).doesNotExist();
  }

  @Test
  void refusesAHostThatIsNotThisMachineWithoutTouchingTheResultsDir() {
    Path results = temp.resolve("results");
    // 192.0.2.1 is TEST-NET-1: documentation only, never a local address
    run("--host", "192.0.2.1", "--port", "0", "--results-dir", results.toString())
        .assertFailure("--host 192.0.2.1: not an address of this machine (Cannot assign"
            + " requested address); give one of its names or addresses, or 0.0.0.0 for all");
    assertThat(results).doesNotExist();
  }

  @Test
  void saysInOneLineThatThePortIsTakenWithoutTouchingTheResultsDir() throws Exception {
    Path results = temp.resolve("results");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      run("--host", "127.0.0.1", "--port", String.valueOf(port), "--results-dir",
          results.toString()).assertFailure("--port " + port + ": already in use on 127.0.0.1;"
              + " is another dispatcher running? Use --port to pick another");
    }
    assertThat(results).doesNotExist();
  }

  @Test
  void refusesAResultsDirAnotherDispatcherHasAndLeavesItsJournalAlone() throws Exception {
    Path results = temp.resolve("test_results");
    try (DispatcherService running = new DispatcherService(new DispatcherSettings(
        new InetSocketAddress("127.0.0.1", 0), results, Duration.ofSeconds(1),
        Duration.ofSeconds(2), ServerOptions.DEFAULT))) {
      running.start();
      Path journal = results.resolve(JournalFile.NAME);
      byte[] before = Files.readAllBytes(journal);
      long modified = Files.getLastModifiedTime(journal).toMillis();

      runOn(results).assertFailure(results + " is in use by another dispatcher (pid " + PID + ")");
      assertThat(Files.readAllBytes(journal)).isEqualTo(before);
      assertThat(Files.getLastModifiedTime(journal).toMillis()).isEqualTo(modified);
    }
  }

  @Test
  void saysInOneLineThatTheTokenFileIsMissing() {
    Path missing = temp.resolve("no-such-token");

    runOn(temp.resolve("results"), "--token-file", missing.toString())
        .assertFailure("--token-file: no such token file: " + missing);
  }
}
