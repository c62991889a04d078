package dev.surveil.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.surveil.protocol.CommitId;
import dev.surveil.storage.FolderInUseException;
import dev.surveil.storage.FolderLock;
import dev.surveil.testing.GitRepoFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RepositoryCheckoutTest {
  private GitRepoFixture fixture;
  private String older;
  private String newer;
  private Path clone;
  private RepositoryCheckout checkout;

  @BeforeEach
  void createRepository() throws IOException {
    fixture = GitRepoFixture.createWithBasicTests();
    older = fixture.commit("ignore build output", Map.of(".gitignore", "build/\n"));
    newer = fixture.commitTrivialChange("newer");
    clone = fixture.cloneTo("runner");
    checkout = RepositoryCheckout.open(clone);
  }

  @AfterEach
  void deleteRepository() {
    checkout.close();
    fixture.close();
  }

  private String head() throws IOException {
    try (Git git = Git.open(clone.toFile())) {
      return git.getRepository().resolve("HEAD").name();
    }
  }

  @Test
  void checksOutAnOlderThenANewerCommit() throws IOException {
    checkout.checkout(new CommitId(older));
    assertThat(head()).isEqualTo(older);
    assertThat(clone.resolve("new_file")).doesNotExist();
    assertThat(clone.resolve("tests/PassingTest.java")).exists();

    checkout.checkout(new CommitId(newer));
    assertThat(head()).isEqualTo(newer);
    assertThat(clone.resolve("new_file")).hasContent("newer");
  }

  @Test
  void fetchesACommitMadeAfterTheClone() throws IOException {
    String latest = fixture.commitTrivialChange("latest");

    checkout.checkout(new CommitId(latest));

    assertThat(head()).isEqualTo(latest);
    assertThat(clone.resolve("new_file")).hasContent("latest");
  }

  @Test
  void removesTheLocksAKilledRunnerLeftWhenItStarts() throws IOException {
    List<Path> locks = List.of(clone.resolve(".git/index.lock"), clone.resolve(".git/HEAD.lock"),
        clone.resolve(".git/refs/heads/master.lock"));
    for (Path lock : locks) {
      Files.writeString(lock, "");
    }

    checkout.close(); // the killed runner's lock went with its process
    checkout = RepositoryCheckout.open(clone);

    assertThat(locks).allSatisfy(lock -> assertThat(lock).doesNotExist());
    checkout.checkout(new CommitId(older));
    assertThat(head()).isEqualTo(older);
  }

  @Test
  void startsWithAnEmptyWorkRootOutsideTheWorkingTree() throws IOException {
    Path leftover = checkout.workRoot().resolve("surveil-junit-1/classes/A.class");
    Files.createDirectories(leftover.getParent());
    Files.writeString(leftover, "left by a killed runner");

    checkout.close();
    checkout = RepositoryCheckout.open(clone);

    assertThat(checkout.workRoot()).isEmptyDirectory()
        .startsWith(clone.toAbsolutePath().normalize().resolve(".git"));
  }

  @Test
  void removesUntrackedAndIgnoredFilesAndUndoesChanges() throws IOException {
    Files.writeString(clone.resolve("stray.txt"), "left over");
    Files.createDirectories(clone.resolve("scratch/deeper"));
    Files.writeString(clone.resolve("scratch/deeper/notes.txt"), "left over");
    Files.createDirectories(clone.resolve("build"));
    Files.writeString(clone.resolve("build/Stale.class"), "ignored but stale");
    Files.writeString(clone.resolve("new_file"), "edited");

    checkout.checkout(new CommitId(newer));

    assertThat(clone.resolve("stray.txt")).doesNotExist();
    assertThat(clone.resolve("scratch")).doesNotExist();
    assertThat(clone.resolve("build")).doesNotExist();
    assertThat(clone.resolve("new_file")).hasContent("newer");
  }

  @Test
  void unknownCommitFailsWithAReadableReason() throws IOException {
    CommitId unknown = new CommitId("0123456789abcdef0123456789abcdef01234567");

    assertThatThrownBy(() -> checkout.checkout(unknown))
        .isInstanceOf(IOException.class)
        .hasMessage("commit " + unknown + " not found in " + clone.toAbsolutePath().normalize()
            + " or its origin");
    assertThat(head()).isEqualTo(newer);
  }

  @Test
  void refusesAMissingFolder() {
    Path missing = fixture.root().resolve("missing");

    assertThatThrownBy(() -> RepositoryCheckout.open(missing))
        .isInstanceOf(IOException.class)
        .hasMessage("REPO " + missing + ": no such folder; give the runner its own clone:"
            + " git clone <repository-url> " + missing);
  }

  @Test
  void refusesAFolderThatIsNotARepository() throws IOException {
    Path plain = Files.createDirectories(fixture.root().resolve("plain"));

    assertThatThrownBy(() -> RepositoryCheckout.open(plain))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("REPO " + plain + ": not a git repository;");
  }

  @Test
  void refusesASecondRunnerWhileLeavingTheFirstOnesFilesAlone() throws IOException {
    Path testRun = Files.createDirectories(checkout.workRoot().resolve("surveil-junit-1"));
    Path gitLock = Files.writeString(clone.resolve(".git/index.lock"), ""); // mid-checkout

    assertThatThrownBy(() -> RepositoryCheckout.open(clone))
        .isInstanceOf(FolderInUseException.class)
        .hasMessage(clone + " is in use by another runner (pid " + ProcessHandle.current().pid()
            + ")");

    assertThat(testRun).isDirectory();
    assertThat(gitLock).exists();
  }

  @Test
  void isRefusedWhileAnObserverHasTheClone() throws IOException {
    checkout.close();
    Path lockFile = clone.resolve(".git").resolve(FolderLock.CLONE_LOCK_NAME);
    try (FolderLock observer = FolderLock.acquire(clone, lockFile, "observer")) {
      assertThatThrownBy(() -> RepositoryCheckout.open(clone))
          .hasMessage(clone + " is in use by an observer (pid " + ProcessHandle.current().pid()
              + ")");
    }
    checkout = RepositoryCheckout.open(clone);
  }
}
