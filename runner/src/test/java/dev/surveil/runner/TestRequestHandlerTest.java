package dev.surveil.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Dispatch;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Ping;
import dev.surveil.protocol.Register;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Results;
import dev.surveil.protocol.RunTest;
import dev.surveil.protocol.Status;
import dev.surveil.testing.FakeTicker;
import dev.surveil.testing.LiveThreads;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TestRequestHandlerTest {
  private static final CommitId FIRST = new CommitId("1111111111111111111111111111111111111111");
  private static final CommitId SECOND = new CommitId("2222222222222222222222222222222222222222");

  private final FakeTicker ticker = new FakeTicker();
  private final DispatcherContact contact = new DispatcherContact(ticker);
  private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private final TestRequestHandler handler = new TestRequestHandler(contact, this::blockingJob,
      () -> events.add("ended on " + Thread.currentThread().getName()));

  /** Records the commit and thread, then waits for {@link #release}. */
  private void blockingJob(CommitId commit, Runnable testsDone) throws InterruptedException {
    events.add("started " + commit.abbreviated() + " on " + Thread.currentThread().getName());
    try {
      release.await();
    } catch (InterruptedException e) {
      events.add("interrupted " + commit.abbreviated());
      throw e;
    }
    if (commit.equals(SECOND)) {
      throw new IllegalStateException("the job broke");
    }
    events.add("finished " + commit.abbreviated());
  }

  @AfterEach
  void closeHandler() {
    release.countDown();
    handler.close();
    assertThat(events).as("events nobody expected").isEmpty();
    RunnerThreads.awaitNoneAlive();
  }

  private String takeEvent() throws InterruptedException {
    String event = events.poll(10, TimeUnit.SECONDS);
    assertThat(event).as("an event within 10 s").isNotNull();
    return event;
  }

  @Test
  void answersOkWithoutANewJobWhenAskedAgainForTheCommitItIsTesting() throws Exception {
    assertThat(handler.handle(new RunTest(FIRST))).isEqualTo(Reply.OK);
    assertThat(takeEvent()).isEqualTo("started 1111111111 on runner-test");

    assertThat(handler.handle(new RunTest(FIRST))).isEqualTo(Reply.OK);
    assertThat(handler.handle(new RunTest(SECOND))).isEqualTo(Reply.BUSY);

    release.countDown();
    assertThat(takeEvent()).isEqualTo("finished 1111111111");
    assertThat(takeEvent()).isEqualTo("ended on runner-test");
  }

  @Test
  void answersOkWithoutAJobWhenAskedForACommitWhoseReportWaits() throws Exception {
    try (TestRequestHandler holding = new TestRequestHandler(contact, this::blockingJob,
        () -> events.add("ended"), FIRST::equals, OfferCheck.ALWAYS)) {
      assertThat(holding.handle(new RunTest(FIRST))).isEqualTo(Reply.OK);
      assertThat(holding.isBusy()).isFalse();
      // a job would have started its thread before handle() returned
      assertThat(LiveThreads.named("runner-test")).as("no job").isEmpty();
    }
  }

  @Test
  void aJobWhoseCommitIsNoLongerThisRunnersEndsWithoutTesting() throws Exception {
    BlockingQueue<CommitId> asked = new LinkedBlockingQueue<>();
    try (TestRequestHandler late = new TestRequestHandler(contact, this::blockingJob,
        () -> events.add("ended"), commit -> false, commit -> {
          asked.add(commit);
          return false;
        })) {
      assertThat(late.handle(new RunTest(FIRST))).isEqualTo(Reply.OK);

      assertThat(asked.poll(10, TimeUnit.SECONDS)).isEqualTo(FIRST);
      assertThat(takeEvent()).isEqualTo("ended");
      await().atMost(Duration.ofSeconds(10)).until(() -> !late.isBusy());
      assertThat(late.handle(new RunTest(SECOND))).as("takes work again").isEqualTo(Reply.OK);
      assertThat(asked.poll(10, TimeUnit.SECONDS)).isEqualTo(SECOND);
      assertThat(takeEvent()).isEqualTo("ended");
    }
  }

  @Test
  void answersPingWithPongAndRecordsTheContact() {
    ticker.advance(Duration.ofSeconds(30));
    assertThat(contact.silence()).isEqualTo(Duration.ofSeconds(30));

    assertThat(handler.handle(new Ping())).isEqualTo(Reply.PONG);

    assertThat(contact.silence()).isZero();
  }

  @Test
  void acceptsRunTestThenAnswersBusyWhileTestingThenAcceptsAgain() throws Exception {
    assertThat(handler.handle(new RunTest(FIRST))).isEqualTo(Reply.OK);
    assertThat(takeEvent()).isEqualTo("started 1111111111 on runner-test");
    assertThat(handler.isBusy()).isTrue();

    assertThat(handler.handle(new RunTest(SECOND))).isEqualTo(Reply.BUSY);
    assertThat(handler.handle(new Ping())).isEqualTo(Reply.PONG);

    release.countDown();
    assertThat(takeEvent()).isEqualTo("finished 1111111111");
    assertThat(takeEvent()).isEqualTo("ended on runner-test");
    assertThat(handler.isBusy()).isFalse();
    assertThat(handler.handle(new RunTest(FIRST))).isEqualTo(Reply.OK);
    assertThat(takeEvent()).isEqualTo("started 1111111111 on runner-test");
    assertThat(takeEvent()).isEqualTo("finished 1111111111");
    assertThat(takeEvent()).isEqualTo("ended on runner-test");
  }

  @Test
  void acceptsTheNextCommitOnceTheTestsAreDoneWhileTheReportIsStillBeingSent() throws Exception {
    CountDownLatch firstDelivering = new CountDownLatch(1);
    CountDownLatch firstDelivered = new CountDownLatch(1);
    CountDownLatch secondRunning = new CountDownLatch(1);
    CountDownLatch secondDone = new CountDownLatch(1);
    try (TestRequestHandler sender = new TestRequestHandler(contact, (commit, testsDone) -> {
      if (commit.equals(FIRST)) {
        testsDone.run();
        firstDelivering.countDown();
        firstDelivered.await(); // the dispatcher has the report and already offers the next one
      } else {
        secondRunning.countDown();
        secondDone.await();
      }
    })) {
      assertThat(sender.handle(new RunTest(FIRST))).isEqualTo(Reply.OK);
      assertThat(firstDelivering.await(10, TimeUnit.SECONDS)).isTrue();

      assertThat(sender.handle(new RunTest(SECOND))).isEqualTo(Reply.OK);
      firstDelivered.countDown();
      assertThat(secondRunning.await(10, TimeUnit.SECONDS)).isTrue();
      // the end of the first job must not release the second job's flag
      assertThat(sender.handle(new RunTest(FIRST))).isEqualTo(Reply.BUSY);
      secondDone.countDown();
    }
  }

  @Test
  void takesWorkAgainAfterTheJobThrows() throws Exception {
    release.countDown();
    assertThat(handler.handle(new RunTest(SECOND))).isEqualTo(Reply.OK);
    assertThat(takeEvent()).isEqualTo("started 2222222222 on runner-test");
    assertThat(takeEvent()).isEqualTo("ended on runner-test");

    assertThat(handler.handle(new RunTest(FIRST))).isEqualTo(Reply.OK);
    assertThat(takeEvent()).isEqualTo("started 1111111111 on runner-test");
    assertThat(takeEvent()).isEqualTo("finished 1111111111");
    assertThat(takeEvent()).isEqualTo("ended on runner-test");
  }

  @Test
  void answersInvalidCommandToRequestsMeantForTheDispatcher() {
    assertThat(handler.handle(new Status())).isEqualTo(Reply.INVALID_COMMAND);
    assertThat(handler.handle(new Dispatch(FIRST))).isEqualTo(Reply.INVALID_COMMAND);
    assertThat(handler.handle(new Register(new HostAndPort("localhost", 8900))))
        .isEqualTo(Reply.INVALID_COMMAND);
    assertThat(handler.handle(new Results(FIRST, "report"))).isEqualTo(Reply.INVALID_COMMAND);
    assertThat(handler.isBusy()).isFalse();
  }

  @Test
  void closeInterruptsTheRunningJobAndRefusesNewOnes() throws Exception {
    assertThat(handler.handle(new RunTest(FIRST))).isEqualTo(Reply.OK);
    assertThat(takeEvent()).isEqualTo("started 1111111111 on runner-test");

    handler.close();

    assertThat(takeEvent()).isEqualTo("interrupted 1111111111");
    assertThat(takeEvent()).isEqualTo("ended on runner-test");
    assertThat(handler.isBusy()).isFalse();
    assertThat(handler.handle(new RunTest(FIRST))).isEqualTo(Reply.BUSY);
  }

  @Test
  void closeIsIdempotent() {
    handler.close();
    handler.close();
    assertThat(handler.handle(new RunTest(FIRST))).isEqualTo(Reply.BUSY);
  }

  @Test
  void answersBusyToEveryRunTestOnceStoppingAndPongToPings() {
    assertThat(handler.stopTakingWork()).isNull();

    assertThat(handler.handle(new RunTest(FIRST))).isEqualTo(Reply.BUSY);
    assertThat(handler.handle(new Ping())).isEqualTo(Reply.PONG);
    assertThat(handler.isBusy()).isFalse();
  }

  @Test
  void stoppingNamesTheRunningCommitAndWaitsForItsJobToEnd() throws Exception {
    assertThat(handler.handle(new RunTest(FIRST))).isEqualTo(Reply.OK);
    assertThat(takeEvent()).isEqualTo("started 1111111111 on runner-test");

    assertThat(handler.stopTakingWork()).isEqualTo(FIRST);
    assertThat(handler.awaitNoJob(Duration.ofMillis(100))).isFalse();

    release.countDown();
    assertThat(handler.awaitNoJob(Duration.ofSeconds(10))).isTrue();
    assertThat(takeEvent()).isEqualTo("finished 1111111111");
    assertThat(takeEvent()).isEqualTo("ended on runner-test");
  }

  @Test
  void isIdleOnlyOnceTheJobHasEndedNotWhenItsTestsAreDone() throws Exception {
    CountDownLatch testsDone = new CountDownLatch(1);
    CountDownLatch end = new CountDownLatch(1);
    try (TestRequestHandler sender = new TestRequestHandler(contact, (commit, done) -> {
      done.run();
      testsDone.countDown();
      end.await();
    })) {
      assertThat(sender.isIdle()).isTrue();
      assertThat(sender.handle(new RunTest(FIRST))).isEqualTo(Reply.OK);
      assertThat(sender.isIdle()).isFalse();
      assertThat(testsDone.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(sender.isBusy()).isFalse();
      assertThat(sender.isIdle()).isFalse();

      end.countDown();
      await().atMost(Duration.ofSeconds(10)).until(sender::isIdle);
    }
  }
}
