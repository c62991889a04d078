package dev.surveil.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.cli.CommandRunner;
import dev.surveil.protocol.Register;
import dev.surveil.testing.GitRepoFixture;
import dev.surveil.testing.LogRecorder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class RunnerCommandTest {
  private static final String NL = System.lineSeparator();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final GitRepoFixture fixture = GitRepoFixture.createWithBasicTests();

  @AfterEach
  void tearDown() {
    fixture.close();
    RunnerThreads.awaitNoneAlive();
  }

  private int run(String... args) {
    CommandLine cli = CommandRunner.commandLine(new RunnerCommand(), () -> false);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void helpListsEveryOptionWithItsDefault() {
    assertThat(run("--help")).isZero();

    assertThat(out.toString())
        .contains("Usage: runner", "REPO", "--host=HOST", "--port=PORT",
            "--dispatcher-server=HOST:PORT", "--test-timeout=DURATION", "--test-command=CMD",
            "--dispatcher-check-interval=DURATION", "--stop-timeout=DURATION",
            "--token-file=PATH", "SURVEIL_TOKEN", "--verbose",
            "--quiet", "--version")
        .contains("(default: localhost)", "(default: localhost:8888)", "(default: 10m)",
            "(default: 2s)", "(default: 30s)", "first free port in 8900-9000");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void everyOptionHasADescription() {
    for (OptionSpec option : new CommandLine(new RunnerCommand()).getCommandSpec().options()) {
      assertThat(String.join(" ", option.description())).as(option.longestName()).isNotBlank();
    }
  }

  @Test
  void versionNamesSurveil() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).isEqualTo("Surveil 0.1.0" + System.lineSeparator());
  }

  @Test
  void missingRepositoryFolderGivesOneLineAndExitCode2() {
    Path missing = fixture.root().resolve("no-such-clone");

    assertThat(run("--port", "0", missing.toString())).isEqualTo(2);

    assertThat(err.toString()).isEqualTo("runner: REPO " + missing + ": no such folder; give the"
        + " runner its own clone: git clone <repository-url> " + missing + NL);
  }

  @Test
  void folderThatIsNotARepositoryGivesOneLineAndExitCode2() throws Exception {
    Path plain = Files.createDirectories(fixture.root().resolve("plain"));

    assertThat(run(plain.toString())).isEqualTo(2);

    assertThat(err.toString()).startsWith("runner: REPO " + plain + ": not a git repository;")
        .hasLineCount(1);
  }

  @Test
  void cloneAnotherRunnerHasGivesOneLineAndExitCode1AndLeavesItsFilesAlone() throws Exception {
    Path clone = fixture.cloneTo("runner");
    try (RepositoryCheckout first = RepositoryCheckout.open(clone)) {
      Path testRun = Files.createDirectories(first.workRoot().resolve("surveil-junit-1"));

      assertThat(run("--port", "0", clone.toString())).isEqualTo(1);

      assertThat(err.toString()).isEqualTo("runner: " + clone
          + " is in use by another runner (pid " + ProcessHandle.current().pid() + ")" + NL);
      assertThat(testRun).isDirectory();
    }
  }

  @Test
  void badDispatcherServerValueIsAUsageError() {
    assertThat(run("--dispatcher-server", "localhost", fixture.master().toString()))
        .isEqualTo(2);

    assertThat(err.toString()).isEqualTo("runner: --dispatcher-server localhost: expected"
        + " HOST:PORT, e.g. localhost:8888" + NL);
  }

  @Test
  void dispatcherServerThatDoesNotResolveIsAUsageError() {
    assertThat(run("--port", "0", "--dispatcher-server", "nosuchhost.invalid:8888",
        fixture.cloneTo("runner").toString())).isEqualTo(2);

    assertThat(err.toString()).isEqualTo("runner: --dispatcher-server nosuchhost.invalid:8888:"
        + " cannot resolve host name nosuchhost.invalid" + NL);
  }

  @Test
  void hostThatDoesNotResolveIsAUsageError() {
    assertThat(run("--host", "nosuchhost.invalid", fixture.cloneTo("runner").toString()))
        .isEqualTo(2);

    assertThat(err.toString()).isEqualTo("runner: --host nosuchhost.invalid: cannot resolve host"
        + " name" + NL);
  }

  @Test
  void hostThatIsNotThisMachineFailsAtOnceWithoutTryingEveryPort() {
    assertThat(run("--host", "192.0.2.1", fixture.cloneTo("runner").toString())).isEqualTo(1);

    assertThat(err.toString()).isEqualTo("runner: --host 192.0.2.1: not an address of this"
        + " machine (Cannot assign requested address); give one of its names or addresses, or"
        + " 0.0.0.0 for all" + NL);
  }

  @Test
  void takenPortGivesOneLineAndExitCode1() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("localhost"))) {
      int port = taken.getLocalPort();

      assertThat(run("--port", String.valueOf(port), fixture.cloneTo("runner").toString()))
          .isEqualTo(1);

      assertThat(err.toString()).isEqualTo("runner: --port " + port + ": already in use on"
          + " localhost; is another runner using it? Use --port to pick another, or 0 for any"
          + " free port" + NL);
    }
  }

  @Test
  void badPortAndEmptyTestCommandAreUsageErrors() {
    String clone = fixture.cloneTo("runner").toString();

    assertThat(run("--port", "70000", clone)).isEqualTo(2);
    assertThat(run("--port", "0", "--test-command", "", clone)).isEqualTo(2);

    assertThat(err.toString().lines()).containsExactly(
        "runner: --port 70000: not a port; give 0 to 65535",
        "runner: --test-command '': must not be empty");
  }

  @Test
  void badDurationIsAUsageError() {
    assertThat(run("--test-timeout", "soon", fixture.master().toString())).isEqualTo(2);
    assertThat(run("--stop-timeout", "30", fixture.master().toString())).isEqualTo(2);

    assertThat(err.toString().lines()).containsExactly(
        "runner: --test-timeout soon: not a duration; write e.g. 500ms, 5s, 10m or 1h",
        "runner: --stop-timeout 30: a duration needs a unit: 30ms, 30s, 30m or 30h");
  }

  @Test
  void missingTokenFileGivesOneLineAndExitCode1() {
    Path missing = fixture.root().resolve("no-such-token");

    assertThat(run("--port", "0", "--token-file", missing.toString(),
        fixture.cloneTo("runner").toString())).isEqualTo(1);

    assertThat(err.toString()).isEqualTo("runner: --token-file: no such token file: " + missing
        + NL);
  }

  @Test
  void tokenFileReadableByOthersGivesOneLineAndExitCode1() throws Exception {
    Path token = Files.writeString(fixture.root().resolve("token"), "a-token-for-this-test\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));

    assertThat(run("--port", "0", "--token-file", token.toString(),
        fixture.cloneTo("runner").toString())).isEqualTo(1);

    assertThat(err.toString()).isEqualTo("runner: --token-file: token file " + token
        + " is readable by others; run: chmod 600 " + token + NL);
  }

  @Test
  void waitsForAnUnreachableDispatcherAndExitsWithCode0WhenStopped() throws Exception {
    RunnerCommand command = new RunnerCommand();
    CommandLine cli = CommandRunner.commandLine(command, () -> false);
    cli.setErr(new PrintWriter(err, true));
    ExecutorService background = Executors.newSingleThreadExecutor();
    try (FakeDispatcher dispatcher = FakeDispatcher.start();
        LogRecorder logs = LogRecorder.record("dev.surveil.runner")) {
      dispatcher.stop();
      Future<Integer> exitCode = background.submit(() -> cli.execute("--port", "0",
          "--dispatcher-server", dispatcher.address().toString(), "--stop-timeout", "5s",
          fixture.cloneTo("runner").toString()));
      logs.awaitLine("WARN dispatcher " + dispatcher.address() + " is unreachable");

      dispatcher.restart();
      assertThat(dispatcher.takeRequest()).isInstanceOf(Register.class);
      command.stop();

      assertThat(exitCode.get(10, TimeUnit.SECONDS)).isZero();
      assertThat(err.toString()).isEmpty();
      dispatcher.discardRequests();
    } finally {
      background.shutdownNow();
      assertThat(background.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }
}
