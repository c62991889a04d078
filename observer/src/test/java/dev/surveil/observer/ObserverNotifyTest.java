package dev.surveil.observer;

import static dev.surveil.observer.ObserverFixture.NO_SCHEDULE;
import static dev.surveil.observer.ObserverFixture.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import dev.surveil.net.LineClient;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Dispatch;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Notify;
import dev.surveil.protocol.Ping;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Status;
import dev.surveil.testing.FakeDispatcher;
import dev.surveil.testing.GitRepoFixture;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The observer's notify port over real sockets: a {@code notify} makes it poll now. */
class ObserverNotifyTest {
  private static final InetSocketAddress ANY_LOOPBACK_PORT =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  private static final LineClient CLIENT =
      new LineClient(Duration.ofSeconds(2), Duration.ofSeconds(10));

  @RegisterExtension
  final ObserverFixture fixture = ObserverFixture.create();
  private final GitRepoFixture repo = fixture.repo();
  private final FakeDispatcher dispatcher = fixture.dispatcher();

  /** A started observer that polls every hour; its first poll dispatches {@code first}. */
  private ObserverService observeAfterFirstPoll(String first) throws Exception {
    ObserverService service = fixture.observe(dispatcher.address(), NO_SCHEDULE,
        ANY_LOOPBACK_PORT);
    service.start();
    assertThat(List.of(dispatcher.takeRequest(), dispatcher.takeRequest()))
        .containsExactlyElementsOf(batch(first));
    return service;
  }

  private static HostAndPort notifyAddress(ObserverService service) {
    return FakeDispatcher.loopback(service.notifyAddress().getPort());
  }

  @Test
  void notifyMakesTheObserverPollWithoutWaitingForTheInterval() throws Exception {
    ObserverService service = observeAfterFirstPoll(repo.commitTrivialChange("one"));
    String second = repo.commitTrivialChange("two");

    Reply reply = CLIENT.send(notifyAddress(service), new Notify());

    assertThat(reply).isEqualTo(Reply.OK);
    assertThat(List.of(dispatcher.takeRequest(), dispatcher.takeRequest()))
        .containsExactlyElementsOf(batch(second));
    InetSocketAddress bound = service.notifyAddress();
    assertThat(fixture.logs().messages(Level.INFO)).contains("listening for notify on "
        + bound.getHostString() + ":" + bound.getPort());
  }

  @Test
  void notifyDuringAPollCausesOneMorePollRightAfterIt() throws Exception {
    String first = repo.commitTrivialChange("one");
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch arrived = dispatcher.holdDispatchOf(first, release);
    ObserverService service = fixture.observe(dispatcher.address(), NO_SCHEDULE,
        ANY_LOOPBACK_PORT);
    service.start();
    assertThat(arrived.await(10, TimeUnit.SECONDS)).as("first poll dispatching").isTrue();
    String second;
    try {
      second = repo.commitTrivialChange("two"); // after the poll in progress fetched
      for (int i = 0; i < 5; i++) {
        assertThat(CLIENT.send(notifyAddress(service), new Notify())).isEqualTo(Reply.OK);
      }
    } finally {
      release.countDown();
    }

    assertThat(List.of(dispatcher.takeRequest(), dispatcher.takeRequest(),
        dispatcher.takeRequest(), dispatcher.takeRequest()))
        .containsExactlyElementsOf(List.of(batch(first), batch(second)).stream()
            .flatMap(List::stream).toList());
  }

  @Test
  void answersStatusWithOkAndAnythingElseWithInvalidCommand() throws Exception {
    ObserverService service = observeAfterFirstPoll(repo.commitTrivialChange("one"));

    assertThat(CLIENT.send(notifyAddress(service), new Status())).isEqualTo(Reply.OK);
    assertThat(CLIENT.send(notifyAddress(service), new Ping()))
        .isEqualTo(Reply.INVALID_COMMAND);
    assertThat(CLIENT.send(notifyAddress(service), new Dispatch(new CommitId(repo.head()))))
        .isEqualTo(Reply.INVALID_COMMAND);
  }

  @Test
  void takenNotifyPortFailsStartAndLeavesNothingRunning() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ObserverService service = fixture.observe(dispatcher.address(), NO_SCHEDULE,
          new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort()));

      assertThatThrownBy(service::start).isInstanceOf(BindException.class);
      assertThat(ObserverFixture.threadAlive(ObserverService.THREAD_NAME)).isFalse();
      assertThatThrownBy(service::pollOnce).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void closeStopsListeningForNotify() throws Exception {
    ObserverService service = observeAfterFirstPoll(repo.commitTrivialChange("one"));
    HostAndPort address = notifyAddress(service);

    service.close();

    assertThatThrownBy(() -> CLIENT.send(address, new Notify()))
        .isInstanceOf(ConnectException.class);
  }
}
