package dev.surveil.observer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.cli.CommandRunner;
import dev.surveil.storage.FolderLock;
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
    assertThat(run.errLines()).containsExactly("observer: REPO " + missing
        + ": no such folder; make the observer's own clone of the repository to watch first:"
        + " git clone <repository-url> <folder>");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void folderThatIsNotAGitRepositoryIsOneLineAndExit2() {
    Run run = run(tempDir.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).singleElement().asString()
        .startsWith("observer: REPO " + tempDir + ": not a git repository;")
        .contains("git clone");
  }

  @Test
  void cloneWithoutOriginRemoteIsOneLineAndExit2() throws Exception {
    Git.init().setDirectory(tempDir.toFile()).call().close();

    Run run = run(tempDir.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).containsExactly("observer: REPO " + tempDir
        + ": no 'origin' remote to pull from; add one: git -C " + tempDir
        + " remote add origin <repository-url>");
  }

  @Test
  void cloneARunnerHasIsOneLineAndExit1AndWritesNoStateFile() throws Exception {
    try (GitRepoFixture repo = GitRepoFixture.createWithBasicTests()) {
      Path clone = repo.cloneTo("shared");
      Path lockFile = clone.resolve(".git").resolve(FolderLock.CLONE_LOCK_NAME);
      try (FolderLock runner = FolderLock.acquire(clone, lockFile, "runner")) {
        Run run = run("--notify-port", "0", clone.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("observer: " + clone
            + " is in use by a runner (pid " + ProcessHandle.current().pid() + ")");
      }
      assertThat(stateFile(clone)).doesNotExist();
    }
  }

  @Test
  void missingRepoArgumentIsAUsageError() {
    Run run = run();

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).containsExactly("observer: Missing required parameter: 'REPO';"
        + " observer --help lists the options");
  }

  @Test
  void unreadablePollIntervalIsAClearUsageError() {
    Run run = run("--poll-interval", "soon", tempDir.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).containsExactly("observer: --poll-interval soon: not a duration;"
        + " write e.g. 500ms, 5s, 10m or 1h");
  }

  @Test
  void zeroPollIntervalIsAClearUsageError() {
    Run run = run("--poll-interval", "0s", tempDir.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).containsExactly("observer: --poll-interval 0s: not a positive"
        + " duration; write e.g. 500ms, 5s, 10m or 1h");
  }

  @Test
  void pollIntervalWithoutUnitIsAClearUsageError() {
    Run run = run("--poll-interval", "5", tempDir.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).containsExactly("observer: --poll-interval 5: a duration needs a"
        + " unit: 5ms, 5s, 5m or 5h");
  }

  @Test
  void notifyPortOutOfRangeIsAClearUsageError() throws Exception {
    try (GitRepoFixture repo = GitRepoFixture.createWithBasicTests()) {
      Run run = run("--notify-port", "70000", repo.cloneTo("obs").toString());

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.errLines())
          .containsExactly("observer: --notify-port 70000: not a port; give 0 to 65535");
    }
  }

  @Test
  void takenNotifyPortIsOneLineNamingTheFlagAndExit1AndWritesNoStateFile() throws Exception {
    try (GitRepoFixture repo = GitRepoFixture.createWithBasicTests();
        ServerSocket taken = new ServerSocket()) {
      taken.setReuseAddress(true);
      taken.bind(new InetSocketAddress("localhost", 0));
      int port = taken.getLocalPort();
      Path clone = repo.cloneTo("obs");

      Run run = run("--notify-port", String.valueOf(port), clone.toString());

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.errLines()).containsExactly("observer: --notify-port " + port
          + ": already in use on localhost; is another observer running? Use --notify-port to"
          + " pick another port (0 picks a free one)");
      assertThat(run.out()).isEmpty();
      assertThat(stateFile(clone)).doesNotExist();
      assertThat(ObserverFixture.threadAlive(ObserverService.THREAD_NAME)).isFalse();
    }
  }

  @Test
  void notifyHostThatDoesNotResolveIsAUsageError() {
    Run run = run("--notify-host", "nosuchhost.invalid", tempDir.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).containsExactly("observer: --notify-host nosuchhost.invalid:"
        + " cannot resolve host name");
  }

  @Test
  void notifyHostThatIsNotThisMachineIsOneLineAndExit1() throws Exception {
    try (GitRepoFixture repo = GitRepoFixture.createWithBasicTests()) {
      Path clone = repo.cloneTo("obs");

      Run run = run("--notify-host", "192.0.2.1", clone.toString());

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.errLines()).containsExactly("observer: --notify-host 192.0.2.1: not an"
          + " address of this machine (Cannot assign requested address); give one of its names"
          + " or addresses, or 0.0.0.0 for all");
      assertThat(stateFile(clone)).doesNotExist();
    }
  }

  @Test
  void badDispatcherAddressIsAClearUsageError() {
    Run run = run("--dispatcher-server", "localhost", tempDir.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).containsExactly("observer: --dispatcher-server localhost:"
        + " expected HOST:PORT, e.g. localhost:8888");
  }

  @Test
  void dispatcherThatDoesNotResolveIsAClearUsageError() {
    Run run = run("--dispatcher-server", "nosuchhost.invalid:8888", tempDir.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).containsExactly("observer: --dispatcher-server"
        + " nosuchhost.invalid:8888: cannot resolve host name nosuchhost.invalid");
  }

  @Test
  void missingTokenFileIsOneLineAndExit1() throws Exception {
    Path missing = tempDir.resolve("no-such-token");
    try (GitRepoFixture repo = GitRepoFixture.createWithBasicTests()) {
      Run run = run("--notify-port", "0", "--token-file", missing.toString(),
          repo.cloneTo("obs").toString());

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.errLines())
          .containsExactly("observer: --token-file: no such token file: " + missing);
      assertThat(ObserverFixture.threadAlive(ObserverService.THREAD_NAME)).isFalse();
    }
  }

  private static Path stateFile(Path clone) {
    return clone.resolve(".git").resolve(ObserverStateFile.NAME);
  }
}
