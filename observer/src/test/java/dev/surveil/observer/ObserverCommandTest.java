package dev.surveil.observer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.cli.CommandRunner;
import dev.surveil.testing.GitRepoFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code observer} command line, run in-process. */
class ObserverCommandTest {
  @TempDir
  Path tempDir;

  private record Run(int exitCode, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = CommandRunner.commandLine(new ObserverCommand(), () -> false);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exitCode = cli.execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  @Test
  void helpListsEveryOptionWithItsDefault() {
    Run run = run("--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Usage: observer", "--dispatcher-server=HOST:PORT",
        "default: localhost:8888", "--poll-interval=DURATION", "default: 5s", "--latest-only",
        "--notify-port=PORT", "default: 8889", "--notify-host=HOST", "default: localhost",
        "--token-file=PATH", "SURVEIL_TOKEN",
        "--verbose", "--quiet", "--help", "--version", "REPO");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void versionNamesSurveil() {
    Run run = run("--version");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().strip()).isEqualTo("Surveil 0.1.0");
  }

  @Test
  void missingRepoFolderIsOneLineAndExit2() {
    Path missing = tempDir.resolve("no-such-clone");

    Run run = run(missing.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).containsExactly("observer: " + missing
        + " does not exist; make the observer's own clone of the repository to watch first:"
        + " git clone <repository-url> <folder>");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void folderThatIsNotAGitRepositoryIsOneLineAndExit2() {
    Run run = run(tempDir.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).singleElement().asString()
        .startsWith("observer: " + tempDir + " is not a git repository;")
        .contains("git clone");
  }

  @Test
  void cloneWithoutOriginRemoteIsOneLineAndExit2() throws Exception {
    Git.init().setDirectory(tempDir.toFile()).call().close();

    Run run = run(tempDir.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).containsExactly("observer: " + tempDir
        + " has no 'origin' remote to pull from; add one: git -C " + tempDir
        + " remote add origin <repository-url>");
  }

  @Test
  void missingRepoArgumentIsAUsageError() {
    Run run = run();

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("Missing required parameter: 'REPO'");
  }

  @Test
  void unreadablePollIntervalIsAClearUsageError() {
    Run run = run("--poll-interval", "soon", tempDir.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines().get(0)).isEqualTo("Invalid value for option '--poll-interval':"
        + " 'soon' is not a duration; write e.g. 500ms, 5s, 10m or 1h");
  }

  @Test
  void zeroPollIntervalIsAClearUsageError() {
    Run run = run("--poll-interval", "0s", tempDir.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines().get(0))
        .isEqualTo("Invalid value for option '--poll-interval': '0s' is not a positive duration");
  }

  @Test
  void notifyPortOutOfRangeIsAClearUsageError() throws Exception {
    try (GitRepoFixture repo = GitRepoFixture.createWithBasicTests()) {
      Run run = run("--notify-port", "70000", repo.cloneTo("obs").toString());

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.errLines().get(0))
          .isEqualTo("--notify-port must be between 0 and 65535, not 70000");
    }
  }

  @Test
  void takenNotifyPortIsOneLineNamingTheFlagAndExit1() throws Exception {
    try (GitRepoFixture repo = GitRepoFixture.createWithBasicTests();
        ServerSocket taken = new ServerSocket()) {
      taken.setReuseAddress(true);
      taken.bind(new InetSocketAddress("localhost", 0));
      int port = taken.getLocalPort();

      Run run = run("--notify-port", String.valueOf(port), repo.cloneTo("obs").toString());

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.errLines()).singleElement().asString()
          .startsWith("observer: cannot listen for notify on localhost:" + port + " (")
          .endsWith("); is another observer running? Use --notify-port to pick another port"
              + " (0 picks a free one)");
      assertThat(run.out()).isEmpty();
      assertThat(ObserverFixture.threadAlive(ObserverService.THREAD_NAME)).isFalse();
    }
  }

  @Test
  void badDispatcherAddressIsAClearUsageError() {
    Run run = run("--dispatcher-server", "localhost", tempDir.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines().get(0)).startsWith("Invalid value for option"
        + " '--dispatcher-server': expected host:port");
  }

  @Test
  void missingTokenFileIsOneLineAndExit1() throws Exception {
    Path missing = tempDir.resolve("no-such-token");
    try (GitRepoFixture repo = GitRepoFixture.createWithBasicTests()) {
      Run run = run("--notify-port", "0", "--token-file", missing.toString(),
          repo.cloneTo("obs").toString());

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.errLines()).containsExactly("observer: no such token file: " + missing);
      assertThat(ObserverFixture.threadAlive(ObserverService.THREAD_NAME)).isFalse();
    }
  }
}
