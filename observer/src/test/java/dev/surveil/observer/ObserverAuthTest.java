package dev.surveil.observer;

import static dev.surveil.observer.ObserverFixture.NO_SCHEDULE;
import static dev.surveil.observer.ObserverFixture.batch;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.surveil.auth.RequestSigner;
import dev.surveil.auth.Secret;
import dev.surveil.net.LineClient;
import dev.surveil.net.ServerOptions;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Notify;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Status;
import dev.surveil.testing.FakeDispatcher;
import dev.surveil.testing.GitRepoFixture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An observer with a secret, over real sockets: it signs its {@code status} and
 * {@code dispatch}, and its notify port refuses every request not signed with the secret.
 */
class ObserverAuthTest {
  private static final Secret SECRET = Secret.of("observer-auth-test-secret-0123456789");
  private static final InetSocketAddress ANY_LOOPBACK_PORT =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  private static final LineClient UNSIGNED =
      new LineClient(Duration.ofSeconds(2), Duration.ofSeconds(10));
  private static final LineClient SIGNED = new LineClient(Duration.ofSeconds(2),
      Duration.ofSeconds(10), Optional.of(new RequestSigner(SECRET)));
  private static final String POLLING_NOW = "notify received; polling now";

  @RegisterExtension
  final ObserverFixture fixture = ObserverFixture.create(Level.DEBUG);
  private final GitRepoFixture repo = fixture.repo();
  private FakeDispatcher dispatcher;

  @BeforeEach
  void startADispatcherWithTheSecret() {
    dispatcher =
        fixture.restartDispatcherWith(ServerOptions.DEFAULT.withSecret(Optional.of(SECRET)));
  }

  @Test
  void signsStatusAndDispatchForADispatcherWithTheSameSecret() throws Exception {
    String commit = repo.commitTrivialChange("one");
    ObserverService service =
        fixture.observe(dispatcher.address(), NO_SCHEDULE, null, Optional.of(SECRET));

    service.pollOnce();

    assertThat(List.of(dispatcher.takeRequest(), dispatcher.takeRequest()))
        .containsExactlyElementsOf(batch(commit));
    assertThat(service.lastDispatched()).contains(new CommitId(commit));
  }

  @Test
  void withoutTheSecretItIsRefusedAndDispatchesNothing() throws Exception {
    ObserverService service = fixture.observe(dispatcher.address(), NO_SCHEDULE, null);
    service.pollOnce(); // nothing new: records where it starts, sends nothing
    Optional<CommitId> before = service.lastDispatched();
    repo.commitTrivialChange("one");

    service.pollOnce();

    assertThat(fixture.logs().messages(Level.WARN)).containsExactly("dispatcher "
        + dispatcher.address() + " answered status with 'Unauthorized'; will retry at the next"
        + " poll");
    assertThat(service.lastDispatched()).isEqualTo(before);
    assertThat(fixture.state()).isEqualTo(before.map(CommitId::value));
  }

  @Test
  void notifyPortRefusesUnsignedRequestsAndPollsOnASignedNotify() throws Exception {
    String first = repo.commitTrivialChange("one");
    ObserverService service = fixture.observe(dispatcher.address(), NO_SCHEDULE,
        ANY_LOOPBACK_PORT, Optional.of(SECRET));
    service.start();
    assertThat(List.of(dispatcher.takeRequest(), dispatcher.takeRequest()))
        .containsExactlyElementsOf(batch(first));
    HostAndPort notify = FakeDispatcher.loopback(service.notifyAddress().getPort());
    String second = repo.commitTrivialChange("two");

    assertThat(UNSIGNED.send(notify, new Notify())).isEqualTo(Reply.UNAUTHORIZED);
    assertThat(UNSIGNED.send(notify, new Status())).isEqualTo(Reply.UNAUTHORIZED);
    // the server refuses before the handler sees the request, so no poll was asked for
    assertThat(fixture.logs().messages(Level.DEBUG)).doesNotContain(POLLING_NOW);

    assertThat(SIGNED.send(notify, new Notify())).isEqualTo(Reply.OK);
    assertThat(List.of(dispatcher.takeRequest(), dispatcher.takeRequest()))
        .containsExactlyElementsOf(batch(second));
    assertThat(fixture.logs().messages(Level.DEBUG)).containsOnlyOnce(POLLING_NOW);
  }
}
