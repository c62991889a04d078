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
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The link on real sockets, with time that moves only when a test says so. */
class DispatcherLinkTest {
  private static final Duration INTERVAL = Duration.ofSeconds(2);
  /** How long to watch for something that must not happen. */
  private static final Duration QUIET = Duration.ofMillis(300);
  private static final Register REGISTER = new Register("localhost", 8901);
  private static final Results FIRST = new Results(
      new CommitId("1111111111111111111111111111111111111111"), "first report\n");
  private static final Results SECOND = new Results(
      new CommitId("2222222222222222222222222222222222222222"), "second report\n");

  private final FakeTicker ticker = new FakeTicker();
  private final DispatcherContact contact = new DispatcherContact(ticker);
  private final CountDownLatch release = new CountDownLatch(1);
  private final LogRecorder logs = LogRecorder.record("dev.surveil.runner");
  @TempDir Path root;
  private ReportOutbox outbox;
  private FakeDispatcher dispatcher;
  private TestRequestHandler handler;
  private DispatcherLink link;

  @BeforeEach
  void setUp() throws IOException {
    outbox = ReportOutbox.open(root.resolve("surveil-outbox"));
    dispatcher = FakeDispatcher.start();
    handler = new TestRequestHandler(contact, this::job, () -> link.wake());
    link = new DispatcherLink(outbox, new DispatcherClient(dispatcher.address()), handler,
        contact, INTERVAL, ticker, DispatcherLink.standardBackoff());
  }

  @AfterEach
  void tearDown() {
    release.countDown();
    try {
      link.close();
      handler.close();
      dispatcher.close();
      dispatcher.assertNoMoreRequests();
    } finally {
      logs.close();
      RunnerThreads.awaitNoneAlive();
    }
  }

  /** A test job that waits for {@link #release}, then keeps its report as the runner's does. */
  private void job(CommitId commit, Runnable testsDone) throws InterruptedException {
    release.await();
    outbox.put(new Results(commit, "report of " + commit.abbreviated() + "\n"));
    testsDone.run();
  }

  /** Moves the fake time on and makes the link look at it (a waiting retry happens now). */
  private void advance(Duration duration) {
    ticker.advance(duration);
    link.wake();
  }

  private void startRegistered() throws InterruptedException {
    link.start(REGISTER);
    assertThat(dispatcher.takeRequest()).isEqualTo(REGISTER);
    logs.awaitLine("INFO registered"); // the link has the answer: time may move on
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
  void keepsAndRetriesAReportTheDispatcherRefuses() throws Exception {
    dispatcher.replyWith(Reply.INVALID_COMMAND);
    outbox.put(FIRST);
    link.start(REGISTER);
    assertThat(dispatcher.takeRequest()).isEqualTo(FIRST);
    assertThat(logs.awaitLine("WARN")).isEqualTo("WARN cannot deliver results for commit "
        + FIRST.commit() + " to dispatcher " + dispatcher.address()
        + ": it answered 'Invalid command'; retrying");
    assertThat(outbox.folder().resolve(FIRST.commit().value())).exists();

    dispatcher.replyWith(Reply.OK);
    advance(Duration.ofMillis(100));

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

    release.countDown();
    assertThat(dispatcher.takeRequest())
        .isEqualTo(new Results(commit, "report of 1111111111\n"));
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
