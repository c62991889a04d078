package dev.surveil.observer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.storage.FolderLock;
import dev.surveil.testing.CommandLineContract;
import dev.surveil.testing.GitRepoFixture;
import dev.surveil.testing.ProgramRun;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code observer} command line, run in-process: a value that can never work is one line,
 * the usage and exit code 2; any other reason not to start is one line and exit code 1.
 */
class ObserverCommandTest implements CommandLineContract {
  @TempDir
  Path tempDir;

  @Override
  public ObserverCommand newCommand() {
    return new ObserverCommand();
  }

  @Test
  void missingRepoFolderIsAUsageError() {
    Path missing = tempDir.resolve("no-such-clone");

    run(missing.toString()).assertUsageError("REPO " + missing + ": no such folder; make the"
        + " observer's own clone of the repository to watch first: git clone <repository-url>"
        + " <folder>");
  }

  @Test
  void folderThatIsNotAGitRepositoryIsAUsageError() {
    ProgramRun run = run(tempDir.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines().get(0))
        .startsWith("observer: REPO " + tempDir + ": not a git repository;")
        .contains("git clone");
  }

  @Test
  void cloneWithoutOriginRemoteIsAUsageError() throws Exception {
    Git.init().setDirectory(tempDir.toFile()).call().close();

    run(tempDir.toString()).assertUsageError("REPO " + tempDir + ": no 'origin' remote to pull"
        + " from; add one: git -C " + tempDir + " remote add origin <repository-url>");
  }

  @Test
  void cloneARunnerHasIsOneLineAndExit1AndWritesNoStateFile() throws Exception {
    try (GitRepoFixture repo = GitRepoFixture.createWithBasicTests()) {
      Path clone = repo.cloneTo("shared");
      Path lockFile = clone.resolve(".git").resolve(FolderLock.CLONE_LOCK_NAME);
      try (FolderLock runner = FolderLock.acquire(clone, lockFile, "runner")) {
        run("--notify-port", "0", clone.toString()).assertFailure(clone
            + " is in use by a runner (pid " + ProcessHandle.current().pid() + ")");
      }
      assertThat(stateFile(clone)).doesNotExist();
    }
  }

  @Test
  void missingRepoArgumentIsAUsageError() {
    run().assertUsageError("Missing required parameter: 'REPO'");
  }

  @Test
  void badPollIntervalsAreUsageErrors() {
    String repo = tempDir.toString();

    run("--poll-interval", "soon", repo).assertUsageError("--poll-interval soon: not a"
        + " duration; write e.g. 500ms, 5s, 10m or 1h");
    run("--poll-interval", "0s", repo).assertUsageError("--poll-interval 0s: not a positive"
        + " duration; write e.g. 500ms, 5s, 10m or 1h");
    run("--poll-interval", "5", repo).assertUsageError("--poll-interval 5: a duration needs a"
        + " unit: 5ms, 5s, 5m or 5h");
    run("--poll-interval", "PT0.0005S", repo)
        .assertUsageError("--poll-interval PT0.0005S: shorter than 1ms");
  }

  @Test
  void takenNotifyPortIsOneLineNamingTheFlagAndExit1AndWritesNoStateFile() throws Exception {
    try (GitRepoFixture repo = GitRepoFixture.createWithBasicTests();
        ServerSocket taken = new ServerSocket()) {
      taken.setReuseAddress(true);
      taken.bind(new InetSocketAddress("localhost", 0));
      int port = taken.getLocalPort();
      Path clone = repo.cloneTo("obs");

      ProgramRun run = run("--notify-port", String.valueOf(port), clone.toString());

      run.assertFailure("--notify-port " + port + ": already in use on localhost; is another"
          + " observer running? Use --notify-port to pick another port (0 picks a free one)");
      assertThat(run.out()).isEmpty();
      assertThat(stateFile(clone)).doesNotExist();
      assertThat(ObserverFixture.threadAlive(ObserverService.THREAD_NAME)).isFalse();
    }
  }

  @Test
  void badOrUnresolvableAddressesAreUsageErrors() {
    String repo = tempDir.toString();

    run("--notify-host", "nosuchhost.invalid", repo)
        .assertUsageError("--notify-host nosuchhost.invalid: cannot resolve host name");
    run("--dispatcher-server", "localhost", repo).assertUsageError("--dispatcher-server"
        + " localhost: expected HOST:PORT, e.g. localhost:8888");
    run("--dispatcher-server", "nosuchhost.invalid:8888", repo).assertUsageError(
        "--dispatcher-server nosuchhost.invalid:8888: cannot resolve host name"
            + " nosuchhost.invalid");
  }

  @Test
  void notifyHostThatIsNotThisMachineIsOneLineAndExit1() throws Exception {
    try (GitRepoFixture repo = GitRepoFixture.createWithBasicTests()) {
      Path clone = repo.cloneTo("obs");

      run("--notify-host", "192.0.2.1", clone.toString()).assertFailure("--notify-host"
          + " 192.0.2.1: not an address of this machine (Cannot assign requested address); give"
          + " one of its names or addresses, or 0.0.0.0 for all");
      assertThat(stateFile(clone)).doesNotExist();
    }
  }

  @Test
  void missingTokenFileIsOneLineAndExit1() throws Exception {
    Path missing = tempDir.resolve("no-such-token");
    try (GitRepoFixture repo = GitRepoFixture.createWithBasicTests()) {
      run("--notify-port", "0", "--token-file", missing.toString(),
          repo.cloneTo("obs").toString())
          .assertFailure("--token-file: no such token file: " + missing);
      assertThat(ObserverFixture.threadAlive(ObserverService.THREAD_NAME)).isFalse();
    }
  }

  private static Path stateFile(Path clone) {
    return clone.resolve(".git").resolve(ObserverStateFile.NAME);
  }
}
