package dev.surveil.observer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Dispatch;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Request;
import dev.surveil.protocol.Status;
import dev.surveil.storage.FolderInUseException;
import dev.surveil.testing.FakeDispatcher;
import dev.surveil.testing.GitRepoFixture;
import dev.surveil.testing.LogRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand.ResetType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The observer against a real master repository, its clone and an in-process dispatcher. */
class ObserverServiceTest {
  private static final Duration NO_SCHEDULE = Duration.ofHours(1);

  private GitRepoFixture repo;
  private Path clone;
  private FakeDispatcher dispatcher;
  private ObserverService service;
  private LogRecorder logs;

  @BeforeEach
  void setUp() {
    logs = LogRecorder.record("dev.surveil.observer");
    repo = GitRepoFixture.createWithBasicTests();
    clone = repo.cloneTo("obs");
    dispatcher = FakeDispatcher.start();
  }

  @AfterEach
  void tearDown() {
    try {
      if (service != null) {
        service.close();
      }
    } finally {
      try {
        if (dispatcher != null) {
          dispatcher.close();
        }
      } finally {
        repo.close();
        logs.close();
      }
    }
    assertThat(ObserverFixture.threadAlive(ObserverService.THREAD_NAME))
        .as("observer-poller thread alive after close").isFalse();
    assertThat(dispatcher.drainRequests()).as("requests nobody checked").isEmpty();
  }

  private ObserverService observe(HostAndPort address, boolean latestOnly, Duration interval)
      throws UnusableCloneException, FolderInUseException {
    service = ObserverService.open(new ObserverSettings(clone, address, interval, latestOnly));
    return service;
  }

  private ObserverService observe() throws UnusableCloneException, FolderInUseException {
    return observe(dispatcher.address(), false, NO_SCHEDULE);
  }

  private static List<Request> batch(String... commits) {
    List<Request> requests = new ArrayList<>();
    requests.add(new Status());
    for (String commit : commits) {
      requests.add(new Dispatch(new CommitId(commit)));
    }
    return requests;
  }

  @Test
  void dispatchesEveryCommitPushedBetweenPollsOldestFirst() throws Exception {
    observe().pollOnce();
    assertThat(dispatcher.drainRequests()).isEmpty();
    String first = repo.commitTrivialChange("one");
    String second = repo.commitTrivialChange("two");
    String third = repo.commitTrivialChange("three");

    service.pollOnce();

    assertThat(dispatcher.drainRequests()).containsExactlyElementsOf(batch(first, second, third));
    assertThat(service.lastDispatched()).contains(new CommitId(third));
    assertThat(logs.messages(Level.INFO)).contains("found 3 new commit(s)",
        "dispatched commit " + first, "dispatched commit " + second, "dispatched commit " + third);
  }

  @Test
  void doesNotDispatchCommitsTheCloneAlreadyHad() throws Exception {
    String before = repo.commitTrivialChange("before the clone");
    clone = repo.cloneTo("obs-later");
    observe();

    service.pollOnce();
    assertThat(service.lastDispatched()).contains(new CommitId(before));
    assertThat(dispatcher.drainRequests()).isEmpty();

    String after = repo.commitTrivialChange("after");
    service.pollOnce();
    assertThat(dispatcher.drainRequests()).containsExactlyElementsOf(batch(after));
  }

  @Test
  void dispatchesEveryMissedCommitOnceTheDispatcherIsReachableAgain() throws Exception {
    int port = FakeDispatcher.freePort();
    HostAndPort address = FakeDispatcher.loopback(port);
    observe(address, false, NO_SCHEDULE);
    String first = repo.commitTrivialChange("one");
    String second = repo.commitTrivialChange("two");

    service.pollOnce();

    assertThat(logs.messages(Level.WARN)).containsExactly("dispatcher " + address
        + " is unreachable (Connection refused); retrying with backoff until it answers");
    dispatcher.close();
    dispatcher = FakeDispatcher.start(port);
    String third = repo.commitTrivialChange("three");

    service.pollOnce();

    assertThat(dispatcher.drainRequests()).containsExactlyElementsOf(batch(first, second, third));
  }

  @Test
  void retriesWhenNoRunnersAreRegisteredAndSaysOnceTheyAre() throws Exception {
    observe();
    dispatcher.replyTo(Dispatch.class, Reply.NO_RUNNERS);
    String first = repo.commitTrivialChange("one");
    String second = repo.commitTrivialChange("two");

    service.pollOnce();

    assertThat(dispatcher.drainRequests()).containsExactlyElementsOf(batch(first));
    assertThat(logs.messages(Level.WARN)).containsExactly("dispatcher " + dispatcher.address()
        + " has no runners registered; retrying commit " + first + " with backoff until one"
        + " registers");
    service.pollOnce();
    assertThat(dispatcher.drainRequests()).containsExactlyElementsOf(batch(first));
    assertThat(logs.messages(Level.WARN)).as("one WARN per outage").hasSize(1);
    dispatcher.replyTo(Dispatch.class, Reply.OK);

    service.pollOnce();

    assertThat(dispatcher.drainRequests()).containsExactlyElementsOf(batch(first, second));
    assertThat(service.lastDispatched()).contains(new CommitId(second));
    assertThat(logs.messages(Level.INFO))
        .contains("dispatcher " + dispatcher.address() + " is accepting commits again");
  }

  @Test
  void resumesFromTheFirstCommitTheDispatcherRefused() throws Exception {
    observe();
    dispatcher.scriptDispatchReplies(Reply.OK, Reply.BUSY);
    String first = repo.commitTrivialChange("one");
    String second = repo.commitTrivialChange("two");
    String third = repo.commitTrivialChange("three");

    service.pollOnce();

    assertThat(dispatcher.drainRequests()).containsExactlyElementsOf(batch(first, second));
    assertThat(service.lastDispatched()).contains(new CommitId(first));

    service.pollOnce();

    assertThat(dispatcher.drainRequests()).containsExactlyElementsOf(batch(second, third));
  }

  @Test
  void latestOnlyDispatchesOnlyTheNewestCommitOfEachPoll() throws Exception {
    observe(dispatcher.address(), true, NO_SCHEDULE);
    repo.commitTrivialChange("one");
    repo.commitTrivialChange("two");
    String third = repo.commitTrivialChange("three");

    service.pollOnce();
    assertThat(dispatcher.drainRequests()).containsExactlyElementsOf(batch(third));

    String fourth = repo.commitTrivialChange("four");
    service.pollOnce();
    assertThat(dispatcher.drainRequests()).containsExactlyElementsOf(batch(fourth));
  }

  @Test
  void asksForStatusBeforeEachBatchAndDispatchesNothingUnlessItIsOk() throws Exception {
    observe();
    service.pollOnce();
    assertThat(dispatcher.drainRequests()).as("nothing new, nothing sent").isEmpty();
    dispatcher.replyTo(Status.class, Reply.INVALID_COMMAND);
    String first = repo.commitTrivialChange("one");

    service.pollOnce();

    assertThat(dispatcher.drainRequests()).containsExactly(new Status());
    assertThat(logs.messages(Level.WARN)).containsExactly("dispatcher " + dispatcher.address()
        + " answered status with 'Invalid command'; will retry at the next poll");
    dispatcher.replyTo(Status.class, Reply.OK);
    service.pollOnce();
    assertThat(dispatcher.drainRequests()).containsExactlyElementsOf(batch(first));
    String second = repo.commitTrivialChange("two");
    service.pollOnce();
    assertThat(dispatcher.drainRequests()).containsExactlyElementsOf(batch(second));
  }

  @Test
  void staysUpWhenOriginIsUnreachableAndCatchesUpLater() throws Exception {
    observe();
    String first = repo.commitTrivialChange("one");
    Path away = repo.root().resolve("master-away");
    Files.move(repo.master(), away);
    try {
      service.pollOnce();
    } finally {
      Files.move(away, repo.master());
    }
    assertThat(dispatcher.drainRequests()).isEmpty();
    assertThat(logs.messages(Level.WARN)).hasSize(1).allMatch(line ->
        line.startsWith("could not pull " + clone + " from origin (")
            && line.endsWith("); will retry at the next poll"));

    service.pollOnce();

    assertThat(dispatcher.drainRequests()).containsExactlyElementsOf(batch(first));
  }

  @Test
  void scheduledLoopPollsByItselfAndCloseEndsTheThread() throws Exception {
    observe(dispatcher.address(), false, Duration.ofMillis(100)).start();
    assertThat(logs.messages(Level.INFO)).contains("observing " + clone + "; dispatcher "
        + dispatcher.address() + "; polling every 100ms");
    String first = repo.commitTrivialChange("one");
    await().atMost(Duration.ofSeconds(10))
        .until(() -> service.lastDispatched().equals(Optional.of(new CommitId(first))));
    assertThat(dispatcher.drainRequests()).containsExactlyElementsOf(batch(first));
    String second = repo.commitTrivialChange("two");
    assertThat(List.of(dispatcher.takeRequest(), dispatcher.takeRequest()))
        .containsExactlyElementsOf(batch(second));
    assertThat(ObserverFixture.threadAlive(ObserverService.THREAD_NAME)).isTrue();

    service.close();

    assertThat(ObserverFixture.threadAlive(ObserverService.THREAD_NAME)).isFalse();
  }

  @Test
  void pollNowWakesThePollerBeforeTheIntervalEnds() throws Exception {
    String first = repo.commitTrivialChange("one");
    clone = repo.cloneTo("obs-behind");
    try (Git behind = Git.open(clone.toFile())) {
      behind.reset().setMode(ResetType.HARD).setRef("HEAD~1").call();
    }
    observe(dispatcher.address(), false, NO_SCHEDULE).start();
    // the first poll runs at start; the next would be an hour later
    assertThat(List.of(dispatcher.takeRequest(), dispatcher.takeRequest()))
        .containsExactlyElementsOf(batch(first));
    String second = repo.commitTrivialChange("two");

    service.pollNow();

    assertThat(List.of(dispatcher.takeRequest(), dispatcher.takeRequest()))
        .containsExactlyElementsOf(batch(second));
    long start = System.nanoTime();
    service.close();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void closeIsIdempotentAndRefusesLaterUse() throws Exception {
    observe().start();
    assertThatThrownBy(service::start).isInstanceOf(IllegalStateException.class);
    service.close();
    service.close();
    assertThatThrownBy(service::pollOnce).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    service.pollNow();
  }
}
