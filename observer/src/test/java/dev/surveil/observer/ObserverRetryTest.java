package dev.surveil.observer;

import static dev.surveil.observer.ObserverFixture.NO_SCHEDULE;
import static dev.surveil.observer.ObserverFixture.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Reply;
import dev.surveil.testing.FakeDispatcher;
import dev.surveil.testing.GitRepoFixture;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The scheduled observer while the dispatcher is down (retries with backoff, one WARN per
 * outage) and while it is being closed (the dispatch in flight is finished and recorded).
 */
class ObserverRetryTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @RegisterExtension
  final ObserverFixture fixture = ObserverFixture.create(Level.DEBUG);
  private final GitRepoFixture repo = fixture.repo();

  private long debugLinesStarting(String prefix) {
    return fixture.logs().messages(Level.DEBUG).stream().filter(l -> l.startsWith(prefix)).count();
  }

  @Test
  void retriesAnUnreachableDispatcherWithBackoffInsteadOfWaitingForTheNextPoll()
      throws Exception {
    int port = FakeDispatcher.freePort();
    HostAndPort address = FakeDispatcher.loopback(port);
    String first = repo.commitTrivialChange("one");
    ObserverService service = fixture.observe(address, NO_SCHEDULE, null);

    service.start();
    await().atMost(WAIT).until(() -> debugLinesStarting("dispatcher=" + address
        + " still unreachable") >= 2);
    FakeDispatcher dispatcher = fixture.restartDispatcherOn(port);

    assertThat(List.of(dispatcher.takeRequest(), dispatcher.takeRequest()))
        .containsExactlyElementsOf(batch(first));
    await().atMost(WAIT).until(() -> service.lastDispatched().equals(commit(first)));
    assertThat(fixture.logs().messages(Level.WARN)).containsExactly("dispatcher " + address
        + " is unreachable (Connection refused); retrying with backoff until it answers");
    assertThat(fixture.logs().messages(Level.INFO))
        .contains("dispatcher " + address + " is accepting commits again");
  }

  @Test
  void retriesWithBackoffWhileNoRunnersAreRegisteredAndWarnsOnce() throws Exception {
    FakeDispatcher dispatcher = fixture.dispatcher();
    dispatcher.scriptDispatchReplies(Reply.NO_RUNNERS, Reply.NO_RUNNERS, Reply.NO_RUNNERS);
    String first = repo.commitTrivialChange("one");
    String second = repo.commitTrivialChange("two");
    ObserverService service = fixture.observe();

    service.start();

    for (int attempt = 0; attempt < 3; attempt++) {
      assertThat(List.of(dispatcher.takeRequest(), dispatcher.takeRequest()))
          .as("attempt %d", attempt).containsExactlyElementsOf(batch(first));
    }
    assertThat(List.of(dispatcher.takeRequest(), dispatcher.takeRequest(),
        dispatcher.takeRequest())).containsExactlyElementsOf(batch(first, second));
    await().atMost(WAIT).until(() -> service.lastDispatched().equals(commit(second)));
    assertThat(fixture.logs().messages(Level.WARN)).containsExactly("dispatcher "
        + dispatcher.address() + " has no runners registered; retrying commit " + first
        + " with backoff until one registers");
    assertThat(debugLinesStarting("dispatcher=" + dispatcher.address() + " still has no runners"))
        .isEqualTo(2);
    assertThat(fixture.logs().messages(Level.INFO))
        .contains("dispatcher " + dispatcher.address() + " is accepting commits again");
  }

  @Test
  void closeFinishesTheDispatchInFlightRecordsItAndDispatchesNothingMore() throws Exception {
    FakeDispatcher dispatcher = fixture.dispatcher();
    String first = repo.commitTrivialChange("one");
    String second = repo.commitTrivialChange("two");
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch arrived = dispatcher.holdDispatchOf(first, release);
    ObserverService service = fixture.observe();
    service.start();
    assertThat(arrived.await(10, TimeUnit.SECONDS)).as("dispatch of the first commit").isTrue();

    Thread closer = new Thread(service::close, "test-closer");
    closer.start();
    try {
      await().atMost(WAIT).until(() -> closer.getState() == Thread.State.TIMED_WAITING);
    } finally {
      release.countDown();
    }
    closer.join(WAIT.toMillis());

    assertThat(closer.isAlive()).as("close returned").isFalse();
    assertThat(dispatcher.drainRequests()).containsExactlyElementsOf(batch(first));
    assertThat(service.lastDispatched()).contains(new CommitId(first));
    assertThat(fixture.state()).contains(first);
    assertThat(fixture.logs().messages(Level.INFO)).contains("dispatched commit " + first)
        .doesNotContain("dispatched commit " + second).endsWith("observer stopped");
    ObserverService restarted = fixture.observe();
    restarted.pollOnce();
    assertThat(dispatcher.drainRequests()).containsExactlyElementsOf(batch(second));
  }

  private static Optional<CommitId> commit(String id) {
    return Optional.of(new CommitId(id));
  }
}
