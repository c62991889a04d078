package dev.surveil.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.surveil.cli.CommandRunner;
import dev.surveil.net.ServerOptions;
import dev.surveil.testing.FailingFolder;
import dev.surveil.testing.LogRecorder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The dispatcher's command line, run in process: every start-up failure is one line naming the
 * option, its value and the reason, with exit code 2 (a value that can never work) or 1.
 */
class DispatcherCommandTest {
  private static final long PID = ProcessHandle.current().pid();
  private static final String NL = System.lineSeparator();

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @TempDir
  Path temp;

  private int run(String... args) {
    DispatcherCommand command = new DispatcherCommand();
    CommandLine cli = CommandRunner.commandLine(command, () -> false);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  /** Runs on loopback with a free port and the results in {@code results}, plus {@code args}. */
  private int runOn(Path results, String... args) {
    String[] all = new String[args.length + 6];
    System.arraycopy(new String[] {"--host", "127.0.0.1", "--port", "0", "--results-dir",
        results.toString()}, 0, all, 0, 6);
    System.arraycopy(args, 0, all, 6, args.length);
    return run(all);
  }

  @Test
  void helpListsEveryOptionAndExitsZero() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("--host", "--port", "--results-dir",
        "--heartbeat-interval", "--heartbeat-timeout", "--result-timeout",
        "--accept-unassigned-results", "--token-file", "--verbose", "--quiet", "--version");
  }

  @Test
  void refusesAZeroResultTimeout() {
    assertThat(run("--result-timeout", "0s")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("dispatcher: --result-timeout 0s: not a positive"
        + " duration; write e.g. 500ms, 5s, 10m or 1h" + NL);
  }

  @Test
  void refusesAPortOutOfRange() {
    assertThat(run("--port", "70000")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("dispatcher: --port 70000: not a port; give 0 to 65535"
        + NL);
  }

  @Test
  void refusesAZeroHeartbeatTimeout() {
    assertThat(run("--heartbeat-timeout", "0s")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("dispatcher: --heartbeat-timeout 0s: not a positive"
        + " duration; write e.g. 500ms, 5s, 10m or 1h" + NL);
  }

  @Test
  void refusesADurationWithoutItsUnit() {
    assertThat(run("--heartbeat-interval", "5")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("dispatcher: --heartbeat-interval 5: a duration needs a"
        + " unit: 5ms, 5s, 5m or 5h" + NL);
  }

  @Test
  void refusesAResultsDirThatIsAFile() throws Exception {
    Path file = Files.writeString(temp.resolve("passwd"), "root:x:0:0\n");

    assertThat(runOn(file)).isEqualTo(2);

    assertThat(err.toString()).isEqualTo("dispatcher: --results-dir " + file + ": not a folder"
        + NL);
    assertThat(Files.readString(file)).isEqualTo("root:x:0:0\n");
  }

  @Test
  void saysWhyTheResultsDirCannotBeMade() throws Exception {
    Path file = Files.writeString(temp.resolve("a-file"), "");
    Path below = file.resolve("results");

    assertThat(runOn(below)).isEqualTo(1);

    assertThat(err.toString()).isEqualTo("dispatcher: --results-dir " + below + ": cannot create"
        + " folder " + below + ": Not a directory" + NL);
  }

  @Test
  void saysTheResultsDirIsNotWritable() throws Exception {
    try (FailingFolder results = FailingFolder.create(temp.resolve("results"))) {
      results.startFailing();

      assertThat(runOn(results.path())).isEqualTo(1);

      // a full disk still takes an empty lock file; a read-only folder does not
      assertThat(err.toString()).matches(Pattern.quote("dispatcher: --results-dir "
          + results.path() + ": cannot ") + "(create|write) lock file " + Pattern.quote(
          results.path().resolve(".surveil-lock") + ": " + results.reason() + NL));
    }
  }

  @Test
  void saysWhyItCannotRewriteTheJournalOfAFolderItCannotWriteAndLeavesItAlone()
      throws Exception {
    try (FailingFolder results = FailingFolder.create(temp.resolve("results"))) {
      try (DispatcherService first = new DispatcherService(new DispatcherService.Config(
          new InetSocketAddress("127.0.0.1", 0), results.path(), Duration.ofSeconds(1),
          Duration.ofSeconds(2), ServerOptions.DEFAULT))) {
        first.pool().register(new dev.surveil.net.HostAndPort("127.0.0.1", 8901));
      }
      Path journal = results.path().resolve(JournalFile.NAME);
      byte[] before = Files.readAllBytes(journal);
      results.startFailing();

      assertThat(runOn(results.path())).isEqualTo(1);

      assertThat(err.toString()).startsWith("dispatcher: --results-dir " + results.path()
          + ": cannot rewrite journal " + journal + ": " + results.reason()).endsWith(NL)
          .hasLineCount(1);
      assertThat(Files.readAllBytes(journal)).isEqualTo(before);
      assertThat(results.path().resolve(JournalFile.NAME + ".tmp")).doesNotExist();
    }
  }

  @Test
  void refusesAHostThatDoesNotResolveBeforeWarningAnythingAboutIt() {
    try (LogRecorder logs = LogRecorder.record("dev.surveil", Level.INFO)) {
      assertThat(run("--host", "nosuchhost.invalid", "--results-dir",
          temp.resolve("results").toString())).isEqualTo(2);

      assertThat(err.toString()).isEqualTo("dispatcher: --host nosuchhost.invalid: cannot"
          + " resolve host name" + NL);
      assertThat(logs.lines()).isEmpty();
    }
    assertThat(temp.resolve("results")).doesNotExist();
  }

  @Test
  void refusesAHostThatIsNotThisMachineWithoutTouchingTheResultsDir() {
    Path results = temp.resolve("results");
    // 192.0.2.1 is TEST-NET-1: documentation only, never a local address
    assertThat(run("--host", "192.0.2.1", "--port", "0", "--results-dir", results.toString()))
        .isEqualTo(1);

    assertThat(err.toString()).isEqualTo("dispatcher: --host 192.0.2.1: not an address of this"
        + " machine (Cannot assign requested address); give one of its names or addresses, or"
        + " 0.0.0.0 for all" + NL);
    assertThat(results).doesNotExist();
  }

  @Test
  void saysInOneLineThatThePortIsTakenWithoutTouchingTheResultsDir() throws Exception {
    Path results = temp.resolve("results");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      int code = run("--host", "127.0.0.1", "--port", String.valueOf(port),
          "--results-dir", results.toString());

      assertThat(code).isEqualTo(1);
      assertThat(err.toString()).isEqualTo("dispatcher: --port " + port + ": already in use on"
          + " 127.0.0.1; is another dispatcher running? Use --port to pick another" + NL);
    }
    assertThat(results).doesNotExist();
  }

  @Test
  void refusesAResultsDirAnotherDispatcherHasAndLeavesItsJournalAlone() throws Exception {
    Path results = temp.resolve("test_results");
    try (DispatcherService running = new DispatcherService(new DispatcherService.Config(
        new InetSocketAddress("127.0.0.1", 0), results, Duration.ofSeconds(1),
        Duration.ofSeconds(2), ServerOptions.DEFAULT))) {
      running.start();
      Path journal = results.resolve(JournalFile.NAME);
      byte[] before = Files.readAllBytes(journal);
      long modified = Files.getLastModifiedTime(journal).toMillis();

      assertThat(runOn(results)).isEqualTo(1);

      assertThat(err.toString()).isEqualTo("dispatcher: " + results
          + " is in use by another dispatcher (pid " + PID + ")" + NL);
      assertThat(Files.readAllBytes(journal)).isEqualTo(before);
      assertThat(Files.getLastModifiedTime(journal).toMillis()).isEqualTo(modified);
    }
  }

  @Test
  void saysInOneLineThatTheTokenFileIsMissing() {
    Path missing = temp.resolve("no-such-token");

    assertThat(runOn(temp.resolve("results"), "--token-file", missing.toString())).isEqualTo(1);

    assertThat(err.toString()).isEqualTo("dispatcher: --token-file: no such token file: "
        + missing + NL);
  }
}
