package dev.surveil.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.surveil.testing.FailingFolder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FolderLock} within one JVM and against another process. */
class FolderLockTest {
  static final String FILE = ".test-lock";
  private static final long PID = ProcessHandle.current().pid();

  @TempDir
  Path folder;

  private Process holder;

  @AfterEach
  void killHolder() throws InterruptedException {
    if (holder != null) {
      holder.destroyForcibly();
      assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  private FolderLock lock(String program) throws IOException {
    return FolderLock.acquire(folder, folder.resolve(FILE), program);
  }

  @Test
  void aLockThatCannotBeWrittenSaysWhichStepFailedOnWhichFileAndWhy() {
    try (FailingFolder failing = FailingFolder.create(folder.resolve("results"))) {
      Path lockFile = failing.path().resolve(FILE);
      failing.startFailing();

      // a full disk still takes an empty file, but not the holder's line
      assertThatThrownBy(() -> FolderLock.acquire(failing.path(), lockFile, "dispatcher"))
          .isInstanceOf(IOException.class).isNotInstanceOf(FolderInUseException.class)
          .message().matches("cannot (create|write) lock file " + Pattern.quote(lockFile
              + ": " + failing.reason()));
    }
  }

  @Test
  void aHolderWritesItsLineOverTheOldOneSoAFullDiskDoesNotStopARestart() throws Exception {
    try (FailingFolder failing = FailingFolder.create(folder.resolve("results"))) {
      Path lockFile = failing.path().resolve(FILE);
      FolderLock.acquire(failing.path(), lockFile, "a-long-program-name").close();
      failing.startFailing();

      try (FolderLock again = FolderLock.acquire(failing.path(), lockFile, "dispatcher")) {
        assertThat(lockFile).hasContent("dispatcher pid " + PID + "\n");
      }
    }
  }

  @Test
  void refusesASecondHolderInTheSameJvmNamingTheFirst() throws IOException {
    try (FolderLock first = lock("dispatcher")) {
      assertThatThrownBy(() -> lock("dispatcher"))
          .isInstanceOf(FolderInUseException.class)
          .hasMessage(folder + " is in use by another dispatcher (pid " + PID + ")");
      assertThat(first.file()).isEqualTo(folder.resolve(FILE));
    }
  }

  @Test
  void namesAHolderThatIsAnotherProgram() throws IOException {
    try (FolderLock observer = lock("observer")) {
      assertThatThrownBy(() -> lock("runner"))
          .hasMessage(folder + " is in use by an observer (pid " + PID + ")");
    }
    try (FolderLock runner = lock("runner")) {
      assertThatThrownBy(() -> lock("observer"))
          .hasMessage(folder + " is in use by a runner (pid " + PID + ")");
    }
  }

  @Test
  void isFreeAgainOnceClosedAndKeepsItsFileNamingTheLastHolder() throws IOException {
    FolderLock first = lock("runner");
    first.close();
    first.close(); // idempotent

    try (FolderLock second = lock("runner")) {
      assertThat(second.file()).exists();
    }
    assertThat(Files.readString(folder.resolve(FILE))).isEqualTo("runner pid " + PID + "\n");
  }

  @Test
  void refusesALockAnotherProcessHoldsNamingItsPid() throws Exception {
    long pid = startHolder("dispatcher");

    assertThatThrownBy(() -> lock("dispatcher"))
        .isInstanceOf(FolderInUseException.class)
        .hasMessage(folder + " is in use by another dispatcher (pid " + pid + ")")
        .extracting(e -> ((FolderInUseException) e).holder().orElseThrow())
        .isEqualTo(new FolderLock.Holder("dispatcher", pid));
    // the refused attempt left the holder's record alone
    assertThat(Files.readString(folder.resolve(FILE))).isEqualTo("dispatcher pid " + pid + "\n");
  }

  @Test
  void aSecondHolderRefusedInTheJvmLeavesTheLockHeldForOtherProcesses() throws Exception {
    // Closing any descriptor of a file drops the process's POSIX locks on it: a refused second
    // holder must not have opened the file.
    try (FolderLock first = lock("dispatcher")) {
      assertThatThrownBy(() -> lock("dispatcher")).isInstanceOf(FolderInUseException.class);

      assertThat(firstLineOf(startProcess("dispatcher")))
          .isEqualTo("refused: " + folder + " is in use by another dispatcher (pid " + PID + ")");
    }
  }

  @Test
  void isFreeAgainWhenItsHolderIsKilled() throws Exception {
    startHolder("runner");
    assertThatThrownBy(() -> lock("runner")).isInstanceOf(FolderInUseException.class);

    holder.destroyForcibly(); // kill -9: the system releases the lock
    assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();

    try (FolderLock lock = lock("runner")) {
      assertThat(lock.file()).exists();
    }
  }

  @Test
  void aHolderThatHasNotRecordedItselfIsAnUnknownProgram() {
    // what a lock file holds between the holder's lock and its record, or after damage
    assertThat(FolderLock.Holder.parse("")).isEmpty();
    assertThat(FolderLock.Holder.parse("runner pid twelve")).isEmpty();
    assertThat(FolderLock.Holder.parse("runner pid 12\n"))
        .contains(new FolderLock.Holder("runner", 12));
    assertThat(new FolderInUseException(folder, "runner", Optional.empty()))
        .hasMessage(folder + " is in use by another program (it has not said which yet)");
  }

  @Test
  void failsWhenTheFolderIsMissing() {
    Path missing = folder.resolve("missing");

    assertThatThrownBy(() -> FolderLock.acquire(missing, missing.resolve(FILE), "dispatcher"))
        .isInstanceOf(IOException.class).isNotInstanceOf(FolderInUseException.class);
  }

  /**
   * Starts {@link FolderLockHolderMain} and waits (at most 60 s) until it holds the lock;
   * returns its pid.
   */
  private long startHolder(String program) throws Exception {
    assertThat(firstLineOf(startProcess(program))).as("the holder's first line")
        .isEqualTo("locked");
    return holder.pid();
  }

  private Process startProcess(String program) throws IOException {
    holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), FolderLockHolderMain.class.getName(),
        folder.toString(), program).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    return holder;
  }

  /** The first line the process prints, waiting at most 60 s; null if it ends first. */
  private static String firstLineOf(Process process) throws Exception {
    BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    return CompletableFuture.supplyAsync(() -> {
      try {
        return out.readLine();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }).get(60, TimeUnit.SECONDS);
  }
}
