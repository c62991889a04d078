package dev.surveil.observer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import dev.surveil.protocol.CommitId;
import dev.surveil.testing.GitRepoFixture;
import dev.surveil.testing.LogRecorder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand.ResetType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The observer's clone against a real master repository. */
class RepositoryPollerTest {
  private GitRepoFixture repo;
  private RepositoryPoller poller;
  private LogRecorder logs;

  @BeforeEach
  void setUp() {
    logs = LogRecorder.record("dev.surveil.observer");
    repo = GitRepoFixture.createWithBasicTests();
  }

  @AfterEach
  void tearDown() {
    try {
      if (poller != null) {
        poller.close();
      }
    } finally {
      repo.close();
      logs.close();
    }
  }

  private static Optional<CommitId> commit(String id) {
    return Optional.of(new CommitId(id));
  }

  @Test
  void listsNewCommitsOldestFirstAndChecksOutTheNewest() throws Exception {
    poller = RepositoryPoller.open(repo.cloneTo("obs"));
    String start = repo.head();
    String first = repo.commitTrivialChange("one");
    String second = repo.commitTrivialChange("two");

    assertThat(poller.pullNewCommits(commit(start)))
        .containsExactly(new CommitId(first), new CommitId(second));
    assertThat(poller.head()).isEqualTo(commit(second));
    assertThat(Files.readString(poller.path().resolve("new_file"))).isEqualTo("two");
    assertThat(poller.pullNewCommits(commit(second))).isEmpty();
  }

  @Test
  void discardsChangesMadeInTheCloneBeforePulling() throws Exception {
    poller = RepositoryPoller.open(repo.cloneTo("obs"));
    String start = repo.head();
    Path test = poller.path().resolve("tests/PassingTest.java");
    Files.writeString(test, "out of sync");
    String first = repo.commitTrivialChange("one");

    assertThat(poller.pullNewCommits(commit(start))).containsExactly(new CommitId(first));
    assertThat(Files.readString(test))
        .isEqualTo(Files.readString(repo.master().resolve("tests/PassingTest.java")));
  }

  @Test
  void givesOnlyTheNewHeadWhenHistoryWasRewritten() throws Exception {
    String start = repo.head();
    poller = RepositoryPoller.open(repo.cloneTo("obs"));
    String dropped = repo.commitTrivialChange("dropped");
    assertThat(poller.pullNewCommits(commit(start))).containsExactly(new CommitId(dropped));
    try (Git master = Git.open(repo.master().toFile())) {
      master.reset().setMode(ResetType.HARD).setRef(start).call();
    }
    repo.commitTrivialChange("replacement one");
    String replacement = repo.commitTrivialChange("replacement two");

    assertThat(poller.pullNewCommits(commit(dropped)))
        .containsExactly(new CommitId(replacement));
    assertThat(logs.messages(Level.WARN)).containsExactly("history was rewritten: last"
        + " dispatched commit=" + dropped + " is not an ancestor of HEAD=" + replacement
        + "; dispatching only the new HEAD");
  }

  @Test
  void cloneOfAnEmptyRepositoryTakesEveryLaterCommitAsNew() throws Exception {
    try (GitRepoFixture empty = GitRepoFixture.createEmpty()) {
      poller = RepositoryPoller.open(empty.cloneTo("obs"));
      assertThat(poller.head()).isEmpty();
      assertThat(poller.pullNewCommits(Optional.empty())).isEmpty();
      String first = empty.commitTrivialChange("one");
      String second = empty.commitTrivialChange("two");

      assertThat(poller.pullNewCommits(Optional.empty()))
          .containsExactly(new CommitId(first), new CommitId(second));
      assertThat(poller.head()).isEqualTo(commit(second));
      poller.close();
    }
  }

  @Test
  void refusesToPullOnADetachedHead() throws Exception {
    Path clone = repo.cloneTo("obs");
    try (Git git = Git.open(clone.toFile())) {
      git.checkout().setName(repo.head()).call();
    }
    poller = RepositoryPoller.open(clone);

    assertThatThrownBy(() -> poller.pullNewCommits(Optional.empty()))
        .isInstanceOf(IOException.class)
        .hasMessage("HEAD of " + clone + " is detached; check out the branch to observe, e.g."
            + " git -C " + clone + " checkout master");
  }

  @Test
  void refusesABareRepository() {
    Path bare = repo.root().resolve("bare.git");
    assertThat(bare.toFile().mkdirs()).isTrue();
    try (Git git = Git.init().setBare(true).setDirectory(bare.toFile()).call()) {
      assertThat(git.getRepository().isBare()).isTrue();
    } catch (Exception e) {
      throw new AssertionError(e);
    }

    assertThatThrownBy(() -> RepositoryPoller.open(bare))
        .isInstanceOf(UnusableCloneException.class)
        .hasMessageStartingWith("REPO " + bare + ": a bare repository;");
  }
}
