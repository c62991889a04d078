package dev.surveil.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.cli.CommandRunner;
import dev.surveil.protocol.Register;
import dev.surveil.testing.CommandLineContract;
import dev.surveil.testing.FakeDispatcher;
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

/**
 * The runner's command line, run in process: a value that can never work is one line, the usage
 * and exit code 2; any other reason not to start is one line and exit code 1.
 */
class RunnerCommandTest implements CommandLineContract {
  private final GitRepoFixture fixture = GitRepoFixture.createWithBasicTests();

  @AfterEach
  void tearDown() {
    fixture.close();
    RunnerThreads.awaitNoneAlive();
  }

  @Override
  public RunnerCommand newCommand() {
    return new RunnerCommand();
  }

  @Test
  void helpSaysWhichPortsTheRunnerTriesWithoutPort() {
    assertThat(run("--help").out()).contains("first free port in 8900-9000");
  }

  @Test
  void missingRepositoryFolderIsAUsageError() {
    Path missing = fixture.root().resolve("no-such-clone");

    run("--port", "0", missing.toString()).assertUsageError("REPO " + missing + ": no such"
        + " folder; give the runner its own clone: git clone <repository-url> " + missing);
  }

  @Test
  void folderThatIsNotARepositoryIsAUsageError() throws Exception {
    Path plain = Files.createDirectories(fixture.root().resolve("plain"));

    run(plain.toString()).assertUsageError("REPO " + plain + ": not a git repository; give the"
        + " runner its own clone: git clone <repository-url> " + plain);
  }

  @Test
  void cloneAnotherRunnerHasGivesOneLineAndExitCode1AndLeavesItsFilesAlone() throws Exception {
    Path clone = fixture.cloneTo("runner");
    try (RepositoryCheckout first = RepositoryCheckout.open(clone)) {
      Path testRun = Files.createDirectories(first.workRoot().resolve("surveil-junit-1"));

      run("--port", "0", clone.toString()).assertFailure(clone
          + " is in use by another runner (pid " + ProcessHandle.current().pid() + ")");

      assertThat(testRun).isDirectory();
    }
  }

  @Test
  void badOrUnresolvableAddressesAreUsageErrors() {
    String clone = fixture.cloneTo("runner").toString();

    run("--dispatcher-server", "localhost", clone).assertUsageError("--dispatcher-server"
        + " localhost: expected HOST:PORT, e.g. localhost:8888");
    run("--dispatcher-server", "localhost:99999", clone).assertUsageError("--dispatcher-server"
        + " localhost:99999: not a port; give 0 to 65535");
    run("--port", "0", "--dispatcher-server", "nosuchhost.invalid:8888", clone)
        .assertUsageError("--dispatcher-server nosuchhost.invalid:8888: cannot resolve host"
            + " name nosuchhost.invalid");
    run("--host", "nosuchhost.invalid", clone)
        .assertUsageError("--host nosuchhost.invalid: cannot resolve host name");
  }

  @Test
  void hostThatIsNotThisMachineFailsAtOnceWithoutTryingEveryPort() {
    run("--host", "192.0.2.1", fixture.cloneTo("runner").toString()).assertFailure("--host"
        + " 192.0.2.1: not an address of this machine (Cannot assign requested address); give"
        + " one of its names or addresses, or 0.0.0.0 for all");
  }

  @Test
  void takenPortGivesOneLineAndExitCode1() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("localhost"))) {
      int port = taken.getLocalPort();

      run("--port", String.valueOf(port), fixture.cloneTo("runner").toString())
          .assertFailure("--port " + port + ": already in use on localhost; is another runner"
              + " using it? Use --port to pick another, or 0 for any free port");
    }
  }

  @Test
  void emptyTestCommandAndBadDurationsAreUsageErrors() {
    String clone = fixture.cloneTo("runner").toString();

    run("--port", "0", "--test-command", "", clone)
        .assertUsageError("--test-command '': must not be empty");
    run("--test-timeout", "soon", clone).assertUsageError("--test-timeout soon: not a duration;"
        + " write e.g. 500ms, 5s, 10m or 1h");
    run("--stop-timeout", "30", clone).assertUsageError("--stop-timeout 30: a duration needs a"
        + " unit: 30ms, 30s, 30m or 30h");
  }

  @Test
  void missingTokenFileGivesOneLineAndExitCode1() {
    Path missing = fixture.root().resolve("no-such-token");

    run("--port", "0", "--token-file", missing.toString(), fixture.cloneTo("runner").toString())
        .assertFailure("--token-file: no such token file: " + missing);
  }

  @Test
  void tokenFileReadableByOthersGivesOneLineAndExitCode1() throws Exception {
    Path token = Files.writeString(fixture.root().resolve("token"), "a-token-for-this-test\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));

    run("--port", "0", "--token-file", token.toString(), fixture.cloneTo("runner").toString())
        .assertFailure("--token-file: token file " + token + " is readable by others; run:"
            + " chmod 600 " + token);
  }

  @Test
  void waitsForAnUnreachableDispatcherAndExitsWithCode0WhenStopped() throws Exception {
    RunnerCommand command = new RunnerCommand();
    CommandLine cli = CommandRunner.commandLine(command);
    StringWriter err = new StringWriter();
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
