package dev.surveil.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Register;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Results;
import dev.surveil.protocol.RunTest;
import dev.surveil.protocol.Status;
import dev.surveil.testing.FakeTicker;
import dev.surveil.testing.LogRecorder;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The link on real sockets, with time that moves only when a test says so. */
class DispatcherLinkTest {
  private static final Duration INTERVAL = Duration.ofSeconds(2);
  /** How long to watch for something that must not happen. */
  private static final Duration QUIET = Duration.ofMillis(300);
  private static final Register REGISTER = LinkFixture.REGISTER;
  private static final Results FIRST = new Results(
      new CommitId("1111111111111111111111111111111111111111"), "first report\n");
  private static final Results SECOND = new Results(
      new CommitId("2222222222222222222222222222222222222222"), "second report\n");

  @TempDir Path root;
  private LinkFixture fixture;
  private FakeTicker ticker;
  private DispatcherContact contact;
  private LogRecorder logs;
  private ReportOutbox outbox;
  private FakeDispatcher dispatcher;
  private TestRequestHandler handler;
  private DispatcherLink link;

  @BeforeEach
  void setUp() {
    fixture = new LinkFixture(root, INTERVAL, DeliverySchedule.Policy.STANDARD);
    ticker = fixture.ticker;
    contact = fixture.contact;
    logs = fixture.logs;
    outbox = fixture.outbox;
    dispatcher = fixture.dispatcher;
    handler = fixture.handler;
    link = fixture.link;
  }

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  private void advance(Duration duration) {
    fixture.advance(duration);
  }

  private void startRegistered() throws InterruptedException {
    fixture.startRegistered();
  }

  @Test
  void deliversTheReportsInItsOutboxOldestFirstBeforeRegistering() throws Exception {
    outbox.put(FIRST);
    outbox.put(SECOND);

    link.start(REGISTER);

    assertThat(dispatcher.takeRequest()).isEqualTo(FIRST);
    assertThat(dispatcher.takeRequest()).isEqualTo(SECOND);
    assertThat(dispatcher.takeRequest()).isEqualTo(REGISTER);
    assertThat(outbox.isEmpty()).isTrue();
    assertThat(outbox.folder()).isEmptyDirectory();
  }

  @Test
  void keepsRetryingAnUnreachableDispatcherAndRegistersOnceItIsUp() throws Exception {
    dispatcher.stop();
    link.start(REGISTER);
    assertThat(logs.awaitLine("WARN dispatcher")).isEqualTo("WARN dispatcher "
        + dispatcher.address() + " is unreachable (Connection refused); retrying registration");
    // wake() ends a backoff wait at once; time stays short of the check interval throughout
    for (int i = 0; i < 3; i++) {
      advance(Duration.ofMillis(100)); // another attempt, refused
    }

    dispatcher.restart();
    advance(Duration.ofMillis(100));

    assertThat(dispatcher.takeRequest()).isEqualTo(REGISTER);
    assertThat(logs.awaitLine("INFO registered"))
        .isEqualTo("INFO registered with dispatcher " + dispatcher.address());
    assertThat(logs.linesStartingWith("WARN")).as("one WARN per series").hasSize(1);
  }

  @Test
  void keepsAndRetriesAReportTheDispatcherRefusesAndRegistersMeanwhile() throws Exception {
    dispatcher.replyWith(Reply.INVALID_COMMAND);
    outbox.put(FIRST);
    link.start(REGISTER);
    assertThat(dispatcher.takeRequest()).isEqualTo(FIRST);
    assertThat(logs.awaitLine("WARN cannot")).isEqualTo("WARN cannot deliver results for commit "
        + FIRST.commit() + " (attempt 1): dispatcher " + dispatcher.address()
        + " answered 'Invalid command'; retrying in 1s");
    assertThat(dispatcher.takeRequest()).as("refused, so no reason to wait").isEqualTo(REGISTER);
    assertThat(logs.awaitLine("WARN dispatcher")).isEqualTo("WARN dispatcher "
        + dispatcher.address()
        + " answered 'Invalid command' to register; retrying registration");
    assertThat(outbox.folder().resolve(FIRST.commit().value())).exists();

    dispatcher.replyWith(Reply.OK);
    advance(Duration.ofSeconds(1));

    assertThat(dispatcher.takeRequest()).isEqualTo(FIRST);
    assertThat(dispatcher.takeRequest()).isEqualTo(REGISTER);
    assertThat(outbox.folder()).isEmptyDirectory();
    assertThat(logs.linesStartingWith("INFO delivered"))
        .containsExactly("INFO delivered results for commit " + FIRST.commit());
  }

  @Test
  void staysQuietWhilePingsArrive() throws Exception {
    startRegistered();
    for (int i = 0; i < 5; i++) {
      ticker.advance(Duration.ofMillis(1500));
      contact.record();
      link.wake();
    }
    advance(INTERVAL.minusMillis(100));
    assertThat(dispatcher.pollRequest(QUIET)).isNull();

    advance(Duration.ofMillis(100));
    assertThat(dispatcher.takeRequest()).isEqualTo(new Status());
    assertThat(dispatcher.takeRequest()).isEqualTo(REGISTER);
  }

  @Test
  void registersAgainWhenNoLongerPinged() throws Exception {
    startRegistered();
    contact.record();

    advance(INTERVAL);

    assertThat(dispatcher.takeRequest()).isEqualTo(new Status());
    assertThat(dispatcher.takeRequest()).isEqualTo(REGISTER);
    assertThat(logs.awaitLine("INFO not pinged")).isEqualTo("INFO not pinged for 2s;"
        + " registering again with dispatcher " + dispatcher.address());
    advance(INTERVAL.minusMillis(1)); // counted from the registration
    assertThat(dispatcher.pollRequest(QUIET)).isNull();
  }

  @Test
  void registersAgainOnlyOnceTheRunningJobIsDoneAndDelivered() throws Exception {
    startRegistered();
    CommitId commit = FIRST.commit();
    assertThat(handler.handle(new RunTest(commit))).isEqualTo(Reply.OK);

    advance(INTERVAL);
    assertThat(dispatcher.takeRequest()).isEqualTo(new Status());
    advance(INTERVAL);
    assertThat(dispatcher.pollRequest(QUIET)).as("no register while testing").isNull();

    fixture.release();
    assertThat(dispatcher.takeRequest()).isEqualTo(LinkFixture.reportOf(commit));
    assertThat(dispatcher.takeRequest()).isEqualTo(REGISTER);
    assertThat(outbox.isEmpty()).isTrue();
  }

  @Test
  void registersAgainWithBackoffOnceAnUnreachableDispatcherIsBack() throws Exception {
    startRegistered();
    dispatcher.stop();
    advance(INTERVAL);
    assertThat(logs.awaitLine("WARN")).isEqualTo("WARN not pinged for 2s and dispatcher "
        + dispatcher.address() + " is unreachable (Connection refused); retrying");

    dispatcher.restart();
    advance(Duration.ofSeconds(1)); // past the backoff

    // it was unreachable, so it may have restarted and forgotten the runner: register again
    assertThat(dispatcher.takeRequest()).isEqualTo(REGISTER);
  }

  @Test
  void closeStopsTheLinkAndCannotBeUndone() throws Exception {
    startRegistered();

    link.close();
    link.close();

    RunnerThreads.awaitNoneAlive();
    assertThatThrownBy(() -> link.start(REGISTER)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already started or closed");
  }
}
