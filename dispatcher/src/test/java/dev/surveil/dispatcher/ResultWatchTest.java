package dev.surveil.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.RunTest;
import dev.surveil.testing.FakeTicker;
import dev.surveil.testing.LogRecorder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A commit whose runner is alive but whose result never comes is not "being tested" for ever:
 * after the result timeout the runner is asked with runtest again. Time is a fake ticker; the
 * questions run on the calling thread.
 */
class ResultWatchTest {
  private static final HostAndPort A = new HostAndPort("localhost", 8901);
  private static final HostAndPort B = new HostAndPort("localhost", 8902);
  private static final CommitId C1 = new CommitId("aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111");
  private static final Duration TIMEOUT = Duration.ofMinutes(15);

  private final FakeTicker ticker = new FakeTicker();
  private final RunnerPool pool = new RunnerPool();
  private final FakeRunners runners = new FakeRunners();
  private final ResultWatch watch = new ResultWatch(pool, runners, ticker, TIMEOUT);
  private final LogRecorder logs = LogRecorder.record("dev.surveil.dispatcher");

  @AfterEach
  void tearDown() {
    logs.close();
  }

  private void assigned(CommitId commit, HostAndPort runner) {
    pool.register(runner);
    pool.enqueue(commit);
    assertThat(pool.assign(commit, runner)).isTrue();
  }

  @Test
  void asksTheRunnerOnlyOnceTheResultIsOverdue() throws Exception {
    runners.answer(A, Reply.OK);
    assigned(C1, A);
    watch.sweep(Runnable::run);
    ticker.advance(TIMEOUT.minusSeconds(1));
    watch.sweep(Runnable::run);
    assertThat(runners.sent).isEmpty();

    ticker.advance(Duration.ofSeconds(1));
    watch.sweep(Runnable::run);

    assertThat(runners.sent.poll(1, TimeUnit.SECONDS))
        .isEqualTo(new FakeRunners.Sent(A, new RunTest(C1)));
  }

  @Test
  void aRunnerThatStillHasTheCommitKeepsItAndIsAskedAgainOnlyAfterAnotherTimeout() {
    runners.answer(A, Reply.OK);
    assigned(C1, A);
    watch.sweep(Runnable::run);
    ticker.advance(TIMEOUT);
    watch.sweep(Runnable::run);
    runners.sent.clear();

    ticker.advance(TIMEOUT.minusSeconds(1));
    watch.sweep(Runnable::run);

    assertThat(runners.sent).isEmpty();
    assertThat(pool.assignments()).containsEntry(C1, A);
    assertThat(logs.lines()).containsExactly("INFO no result for commit " + C1 + " from runner "
        + A + " after 15m; the runner says it has it, waiting 15m more");
  }

  @Test
  void aCommitTheRunnerNoLongerHasGoesBackToTheFrontOfTheQueue() {
    runners.answer(A, Reply.BUSY);
    assigned(C1, A);
    watch.sweep(Runnable::run);
    ticker.advance(TIMEOUT);

    watch.sweep(Runnable::run);

    assertThat(pool.assignments()).isEmpty();
    assertThat(pool.pending()).containsExactly(C1);
    assertThat(pool.senders(C1).former()).contains(A); // its late result is still taken
    assertThat(logs.lines()).containsExactly("WARN no result for commit " + C1 + " from runner "
        + A + " after 15m, and the runner no longer has it; the commit goes back to the front of"
        + " the queue");
  }

  @Test
  void anUnreachableRunnerKeepsItsCommitForTheHeartbeatToJudge() {
    assigned(C1, A); // no answer: connection refused
    watch.sweep(Runnable::run);
    ticker.advance(TIMEOUT);

    watch.sweep(Runnable::run);

    assertThat(pool.assignments()).containsEntry(C1, A);
    assertThat(logs.lines()).singleElement().asString().startsWith("INFO no result for commit "
        + C1 + " from runner " + A + " after 15m, and the runner did not answer");
  }

  @Test
  void aCommitGivenToAnotherRunnerStartsItsWaitAgain() {
    runners.answer(A, Reply.BUSY);
    runners.answer(B, Reply.OK);
    assigned(C1, A);
    watch.sweep(Runnable::run);
    ticker.advance(TIMEOUT.minusSeconds(1));
    pool.remove(A);
    pool.register(B);
    assertThat(pool.assign(C1, B)).isTrue();
    watch.sweep(Runnable::run);
    ticker.advance(Duration.ofSeconds(1));

    watch.sweep(Runnable::run);

    assertThat(runners.sent).isEmpty();
  }

  @Test
  void doesNotAskWhileTheRunnerHoldsAReportTheDispatcherCannotStore() {
    runners.answer(A, Reply.BUSY);
    assigned(C1, A);
    pool.reportWaits(C1);
    watch.sweep(Runnable::run);
    ticker.advance(TIMEOUT.multipliedBy(2));

    watch.sweep(Runnable::run);

    assertThat(runners.sent).isEmpty();
    assertThat(pool.assignments()).containsEntry(C1, A);
  }
}
