package dev.surveil.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.cli.CommandRunner;
import dev.surveil.protocol.Register;
import dev.surveil.testing.GitRepoFixture;
import dev.surveil.testing.LogRecorder;
import java.io.PrintWriter;
import java.io.StringWriter;
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

    assertThat(err.toString()).isEqualTo("runner: repository folder " + missing
        + " does not exist; give the runner its own clone: git clone <repository-url> "
        + missing + System.lineSeparator());
  }

  @Test
  void folderThatIsNotARepositoryGivesOneLineAndExitCode2() throws Exception {
    Path plain = Files.createDirectories(fixture.root().resolve("plain"));

    assertThat(run(plain.toString())).isEqualTo(2);

    assertThat(err.toString()).startsWith("runner: " + plain + " is not a git repository;")
        .hasLineCount(1);
  }

  @Test
  void badDispatcherServerValueIsAUsageError() {
    assertThat(run("--dispatcher-server", "localhost", fixture.master().toString()))
        .isEqualTo(2);

    assertThat(err.toString()).contains("expected host:port, e.g. localhost:8888,"
        + " but got 'localhost'");
  }

  @Test
  void badDurationIsAUsageError() {
    assertThat(run("--test-timeout", "soon", fixture.master().toString())).isEqualTo(2);

    assertThat(err.toString()).contains("'soon' is not a duration");
  }

  @Test
  void missingTokenFileGivesOneLineAndExitCode1() {
    Path missing = fixture.root().resolve("no-such-token");

    assertThat(run("--port", "0", "--token-file", missing.toString(),
        fixture.cloneTo("runner").toString())).isEqualTo(1);

    assertThat(err.toString()).isEqualTo("runner: no such token file: " + missing
        + System.lineSeparator());
  }

  @Test
  void tokenFileReadableByOthersGivesOneLineAndExitCode1() throws Exception {
    Path token = Files.writeString(fixture.root().resolve("token"), "a-token-for-this-test\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));

    assertThat(run("--port", "0", "--token-file", token.toString(),
        fixture.cloneTo("runner").toString())).isEqualTo(1);

    assertThat(err.toString()).isEqualTo("runner: token file " + token
        + " is readable by others; run: chmod 600 " + token + System.lineSeparator());
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
