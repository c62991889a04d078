package dev.surveil.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Status;
import dev.surveil.testing.FakeTicker;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DispatcherCheckerTest {
  private static final Duration INTERVAL = Duration.ofSeconds(10);
  /** How long to watch for something that must not happen. */
  private static final Duration QUIET = Duration.ofMillis(300);

  private final FakeTicker ticker = new FakeTicker();
  private final DispatcherContact contact = new DispatcherContact(ticker);
  private final BlockingQueue<String> gone = new LinkedBlockingQueue<>();
  private FakeDispatcher dispatcher;
  private DispatcherChecker checker;

  @BeforeEach
  void startChecker() {
    dispatcher = FakeDispatcher.start();
    checker = new DispatcherChecker(contact, INTERVAL, new DispatcherClient(dispatcher.address()),
        () -> gone.add(Thread.currentThread().getName()));
    checker.start();
  }

  @AfterEach
  void stopChecker() {
    try {
      checker.close();
      dispatcher.close();
      dispatcher.assertNoMoreRequests();
      assertThat(gone).isEmpty();
    } finally {
      RunnerThreads.awaitNoneAlive();
    }
  }

  /** Moves the fake time on and makes the checker look at it. */
  private void advance(Duration duration) {
    ticker.advance(duration);
    contact.wake();
  }

  @Test
  void staysQuietWhilePingsArrive() throws Exception {
    for (int i = 0; i < 5; i++) {
      advance(Duration.ofSeconds(6));
      contact.record();
    }
    advance(Duration.ofSeconds(9));
    assertThat(dispatcher.pollRequest(QUIET)).isNull();

    advance(Duration.ofSeconds(1));
    assertThat(dispatcher.takeRequest()).isEqualTo(new Status());
    assertThat(gone.poll(QUIET.toMillis(), TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void waitsAnotherIntervalAfterTheDispatcherAnswersOk() throws Exception {
    advance(INTERVAL);
    assertThat(dispatcher.takeRequest()).isEqualTo(new Status());
    await().atMost(Duration.ofSeconds(10)).until(() -> contact.silence().isZero());

    advance(INTERVAL.minusSeconds(1));
    assertThat(dispatcher.pollRequest(QUIET)).isNull();

    advance(Duration.ofSeconds(1));
    assertThat(dispatcher.takeRequest()).isEqualTo(new Status());
    await().atMost(Duration.ofSeconds(10)).until(() -> contact.silence().isZero());
  }

  @Test
  void shutsTheRunnerDownWhenTheDispatcherIsUnreachable() throws Exception {
    dispatcher.close();

    advance(INTERVAL);

    assertThat(gone.poll(10, TimeUnit.SECONDS)).isEqualTo("runner-dispatcher-checker");
    RunnerThreads.awaitNoneAlive();
  }

  @Test
  void shutsTheRunnerDownWhenTheDispatcherDoesNotAnswerOk() throws Exception {
    dispatcher.replyWith(Reply.INVALID_COMMAND);

    advance(INTERVAL);

    assertThat(dispatcher.takeRequest()).isEqualTo(new Status());
    assertThat(gone.poll(10, TimeUnit.SECONDS)).isEqualTo("runner-dispatcher-checker");
  }

  @Test
  void closeStopsTheCheckerAndCannotBeUndone() {
    checker.close();
    checker.close();

    RunnerThreads.awaitNoneAlive();
    assertThatThrownBy(checker::start).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already started or closed");
  }
}
