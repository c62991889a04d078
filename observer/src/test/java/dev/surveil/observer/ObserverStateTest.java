package dev.surveil.observer;

import static dev.surveil.observer.ObserverFixture.NO_SCHEDULE;
import static dev.surveil.observer.ObserverFixture.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Dispatch;
import dev.surveil.protocol.Reply;
import dev.surveil.storage.FolderInUseException;
import dev.surveil.testing.FakeDispatcher;
import dev.surveil.testing.GitRepoFixture;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand.ResetType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The observer's state file against real repositories: a restarted observer (a new service on
 * the same clone) neither skips nor re-dispatches history.
 */
class ObserverStateTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  @RegisterExtension
  final ObserverFixture fixture = ObserverFixture.create();
  private final GitRepoFixture repo = fixture.repo();
  private final FakeDispatcher dispatcher = fixture.dispatcher();

  @Test
  void freshObserverRecordsTheClonesHeadAsItsStartingPointWhenItStarts() throws Exception {
    ObserverService service = fixture.observe();
    assertThat(fixture.state()).as("state before the start").isEmpty();

    service.start();

    assertThat(fixture.state()).contains(repo.head());
    assertThat(fixture.logs().messages(Level.INFO)).noneMatch(line -> line.startsWith("resuming"));
  }

  @Test
  void startThatCannotListenForNotifyLeavesNoStateFile() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ObserverService failed = fixture.observe(dispatcher.address(), NO_SCHEDULE,
          new InetSocketAddress(taken.getInetAddress(), taken.getLocalPort()));

      assertThatThrownBy(failed::start).isInstanceOf(BindException.class);
    }
    assertThat(fixture.state()).isEmpty();
    String later = repo.commitTrivialChange("committed before the real start");

    ObserverService started = fixture.observe();
    started.start();

    // a fresh start: the clone's HEAD is where it starts, and what the clone lacks is new
    assertThat(fixture.logs().messages(Level.INFO)).noneMatch(line -> line.startsWith("resuming"));
    assertThat(List.of(dispatcher.takeRequest(), dispatcher.takeRequest()))
        .containsExactlyElementsOf(batch(later));
    await().atMost(WAIT).until(() -> fixture.state().equals(Optional.of(later)));
  }

  @Test
  void failedStartKeepsTheStateFileAsItWas() throws Exception {
    ObserverService first = fixture.observe();
    String one = repo.commitTrivialChange("one");
    first.pollOnce();
    assertThat(dispatcher.drainRequests()).containsExactlyElementsOf(batch(one));
    first.close();
    long written = Files.getLastModifiedTime(fixture.stateFile()).toMillis();

    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ObserverService failed = fixture.observe(dispatcher.address(), NO_SCHEDULE,
          new InetSocketAddress(taken.getInetAddress(), taken.getLocalPort()));
      assertThatThrownBy(failed::start).isInstanceOf(BindException.class);
    }

    assertThat(fixture.state()).contains(one);
    assertThat(Files.getLastModifiedTime(fixture.stateFile()).toMillis()).isEqualTo(written);
    assertThat(fixture.logs().messages(Level.INFO)).noneMatch(line -> line.startsWith("resuming"));
  }

  @Test
  void secondObserverOnTheCloneIsRefusedAndChangesNothing() throws Exception {
    ObserverService first = fixture.observe();
    first.pollOnce();

    assertThatThrownBy(fixture::observe).isInstanceOf(FolderInUseException.class)
        .hasMessage(fixture.clonePath() + " is in use by another observer (pid "
            + ProcessHandle.current().pid() + ")");

    assertThat(fixture.state()).contains(repo.head());
    String one = repo.commitTrivialChange("one");
    first.pollOnce(); // the first one carries on
    assertThat(dispatcher.drainRequests()).containsExactlyElementsOf(batch(one));
  }

  @Test
  void recordsEachAcknowledgedCommitBeforeDispatchingTheNext() throws Exception {
    ObserverService service = fixture.observe();
    String first = repo.commitTrivialChange("one");
    String second = repo.commitTrivialChange("two");
    Queue<String> stateWhenSecondArrived = new ConcurrentLinkedQueue<>();
    dispatcher.whenRequested(request -> {
      if (request.equals(new Dispatch(new CommitId(second)))) {
        stateWhenSecondArrived.add(fixture.state().orElse("none"));
      }
    });

    service.pollOnce();

    assertThat(dispatcher.drainRequests()).containsExactlyElementsOf(batch(first, second));
    assertThat(stateWhenSecondArrived).containsExactly(first);
    assertThat(fixture.state()).contains(second);
    assertThat(fixture.stateFile().resolveSibling(ObserverStateFile.NAME + ".tmp")).doesNotExist();
  }

  @Test
  void restartedObserverNeitherSkipsNorResendsCommits() throws Exception {
    ObserverService first = fixture.observe();
    String one = repo.commitTrivialChange("one");
    String two = repo.commitTrivialChange("two");
    first.pollOnce();
    assertThat(dispatcher.drainRequests()).containsExactlyElementsOf(batch(one, two));
    first.close();
    String three = repo.commitTrivialChange("three");
    String four = repo.commitTrivialChange("four");

    ObserverService restarted = fixture.observe();
    restarted.pollOnce();

    assertThat(fixture.logs().messages(Level.INFO)).contains("resuming after commit " + two);
    assertThat(dispatcher.drainRequests()).containsExactlyElementsOf(batch(three, four));
    assertThat(fixture.state()).contains(four);
  }

  @Test
  void restartedObserverDispatchesWhatItPulledButCouldNotDispatch() throws Exception {
    String start = repo.head();
    ObserverService first = fixture.observe();
    dispatcher.replyTo(Dispatch.class, Reply.NO_RUNNERS);
    String one = repo.commitTrivialChange("one");
    String two = repo.commitTrivialChange("two");
    first.pollOnce(); // the clone now holds both commits, but neither was acknowledged
    assertThat(dispatcher.drainRequests()).containsExactlyElementsOf(batch(one));
    first.close();
    dispatcher.replyTo(Dispatch.class, Reply.OK);

    ObserverService restarted = fixture.observe();
    restarted.pollOnce();

    assertThat(fixture.logs().messages(Level.INFO)).contains("resuming after commit " + start);
    assertThat(dispatcher.drainRequests()).containsExactlyElementsOf(batch(one, two));
  }

  @Test
  void stateNamingACommitNoLongerInTheBranchStartsFromHeadWithOneWarning() throws Exception {
    String dropped = dispatchACommitThenForcePushItAway();
    String replacement = repo.commitTrivialChange("replacement");
    try (Git clone = Git.open(fixture.clonePath().toFile())) { // e.g. someone re-synced the clone
      clone.fetch().call();
      clone.reset().setMode(ResetType.HARD).setRef("origin/master").call();
    }

    ObserverService restarted = fixture.observe();
    restarted.pollOnce();

    assertThat(fixture.logs().messages(Level.WARN)).containsExactly("state file "
        + fixture.stateFile().toRealPath() + " names commit " + dropped + ", which is no longer"
        + " in the history of HEAD=" + replacement + " (was the branch force-pushed?); starting"
        + " from HEAD as a fresh observer does");
    assertThat(restarted.lastDispatched()).contains(new CommitId(replacement));
    assertThat(fixture.state()).contains(replacement);
    assertThat(dispatcher.drainRequests()).isEmpty();
    String next = repo.commitTrivialChange("next");
    restarted.pollOnce();
    assertThat(dispatcher.drainRequests()).containsExactlyElementsOf(batch(next));
  }

  @Test
  void forcePushWhileTheObserverWasDownDispatchesOnlyTheNewHead() throws Exception {
    String dropped = dispatchACommitThenForcePushItAway();
    repo.commitTrivialChange("replacement one");
    String replacement = repo.commitTrivialChange("replacement two");

    ObserverService restarted = fixture.observe();
    restarted.pollOnce();

    assertThat(fixture.logs().messages(Level.INFO)).contains("resuming after commit " + dropped);
    assertThat(dispatcher.drainRequests()).containsExactlyElementsOf(batch(replacement));
    assertThat(fixture.logs().messages(Level.WARN)).singleElement().asString()
        .startsWith("history was rewritten: last dispatched commit=" + dropped);
    assertThat(fixture.state()).contains(replacement);
  }

  @Test
  void damagedStateFileIsIgnoredWithOneWarning() throws Exception {
    Files.writeString(fixture.stateFile(), "not a commit\n");

    ObserverService service = fixture.observe();
    service.pollOnce();

    assertThat(fixture.logs().messages(Level.WARN)).containsExactly("state file "
        + fixture.stateFile().toRealPath() + " is damaged (not a full commit id (40 or 64 hex"
        + " characters): 'not a commit'); ignoring it and starting as a fresh observer");
    assertThat(service.lastDispatched()).contains(new CommitId(repo.head()));
    assertThat(fixture.state()).contains(repo.head());
    String one = repo.commitTrivialChange("one");
    service.pollOnce();
    assertThat(dispatcher.drainRequests()).containsExactlyElementsOf(batch(one));
  }

  @Test
  void observerOfAnEmptyRepositoryRecordsItsFirstDispatch() throws Exception {
    try (ObserverFixture empty = ObserverFixture.create(Level.INFO, GitRepoFixture.createEmpty())) {
      ObserverService service = empty.observe();
      assertThat(empty.state()).isEmpty();
      String one = empty.repo().commitTrivialChange("one");

      service.pollOnce();

      assertThat(empty.dispatcher().drainRequests()).containsExactlyElementsOf(batch(one));
      assertThat(empty.state()).contains(one);
    }
  }

  /**
   * An observer dispatches a new commit and stops; then master is force-pushed back to where it
   * was, so the commit named in the state file is no longer in the branch. Returns that commit.
   */
  private String dispatchACommitThenForcePushItAway() throws Exception {
    String start = repo.head();
    ObserverService first = fixture.observe();
    String dropped = repo.commitTrivialChange("dropped");
    first.pollOnce();
    assertThat(dispatcher.drainRequests()).containsExactlyElementsOf(batch(dropped));
    first.close();
    forcePushMaster(start);
    return dropped;
  }

  private void forcePushMaster(String commit) throws Exception {
    try (Git master = Git.open(repo.master().toFile())) {
      master.reset().setMode(ResetType.HARD).setRef(commit).call();
    }
  }
}
