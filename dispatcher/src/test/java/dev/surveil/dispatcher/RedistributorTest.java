package dev.surveil.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.surveil.lifecycle.UncaughtExceptions;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.RunTest;
import dev.surveil.testing.ExpectsThreadDeath;
import dev.surveil.testing.FakeTicker;
import dev.surveil.testing.LiveThreads;
import dev.surveil.testing.LogRecorder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RedistributorTest {
  private static final HostAndPort A = new HostAndPort("localhost", 8901);
  private static final HostAndPort B = new HostAndPort("localhost", 8902);
  private static final CommitId C1 = new CommitId("aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111");
  private static final CommitId C2 = new CommitId("bbbb2222bbbb2222bbbb2222bbbb2222bbbb2222");

  private final RunnerPool pool = new RunnerPool();
  private final FakeRunners runners = new FakeRunners();
  private final StorageHealth storage = new StorageHealth(Path.of("test_results"),
      new FakeTicker());
  private final Redistributor redistributor = new Redistributor(pool, runners, storage);

  @AfterEach
  void tearDown() throws Exception {
    redistributor.close();
  }

  @Test
  void placeSkipsBusyAndUnreachableRunners() {
    runners.answer(A, Reply.BUSY);
    runners.answer(B, Reply.OK);
    pool.register(A);
    pool.register(B);
    pool.enqueue(C1);
    assertThat(redistributor.place(new RunnerPool.Work(C1, List.of(A, B)))).isTrue();
    assertThat(pool.assignments()).containsEntry(C1, B);
  }

  @Test
  void logsEveryOfferAndItsOutcome() {
    try (LogRecorder logs = LogRecorder.record("dev.surveil.dispatcher")) {
      runners.answer(A, Reply.BUSY);
      pool.register(A);
      pool.register(B); // unreachable
      pool.enqueue(C1);
      assertThat(redistributor.place(new RunnerPool.Work(C1, List.of(A, B)))).isFalse();
      runners.answer(B, Reply.OK);
      assertThat(redistributor.place(new RunnerPool.Work(C1, List.of(B)))).isTrue();

      assertThat(logs.lines()).containsExactly(
          "INFO offered commit " + C1 + " to runner " + A + ": it answered 'BUSY'; the commit"
              + " stays queued",
          "INFO offered commit " + C1 + " to runner " + B + ": no answer (Connection refused);"
              + " the commit stays queued",
          "INFO dispatched commit " + C1 + " to runner " + B);
    }
  }

  @Test
  void aRunnerMayTestTheCommitWhileItIsOfferedToItAndOnceAssignedButNotAfterAFailedOffer() {
    pool.register(A);
    pool.register(B);
    pool.enqueue(C1);
    java.util.Map<HostAndPort, Boolean> duringOffer =
        new java.util.concurrent.ConcurrentHashMap<>();
    Redistributor asking = new Redistributor(pool, (runner, request) -> {
      duringOffer.put(runner, pool.mayTest(C1, runner)); // its claim, before its answer is read
      if (runner.equals(A)) {
        throw new java.net.SocketTimeoutException("Read timed out");
      }
      return Reply.OK;
    }, storage);

    assertThat(asking.place(new RunnerPool.Work(C1, List.of(A, B)))).isTrue();

    assertThat(duringOffer).containsEntry(A, true).containsEntry(B, true);
    assertThat(pool.mayTest(C1, A)).as("A's offer timed out").isFalse();
    assertThat(pool.mayTest(C1, B)).isTrue();
  }

  @Test
  void placeFailsWhenEveryRunnerRefuses() {
    runners.answer(A, Reply.BUSY);
    pool.register(A);
    pool.register(B); // unreachable
    pool.enqueue(C1);
    assertThat(redistributor.place(new RunnerPool.Work(C1, List.of(A, B)))).isFalse();
    assertThat(pool.pending()).containsExactly(C1);
  }

  @Test
  void handsQueuedCommitsToIdleRunnersInOrder() throws Exception {
    runners.answer(A, Reply.OK);
    pool.register(A);
    pool.enqueue(C1);
    pool.enqueue(C2);
    redistributor.start();
    FakeRunners.Sent first = runners.sent.poll(10, TimeUnit.SECONDS);
    assertThat(first).isEqualTo(new FakeRunners.Sent(A, new RunTest(C1)));
    await().atMost(Duration.ofSeconds(10)).until(() -> pool.assignments().containsKey(C1));
    // A is busy with C1: the redistributor waits for an idle runner and offers C2 to none
    await().atMost(Duration.ofSeconds(10))
        .until(() -> LiveThreads.waitingIn("dispatcher-redistributor", "takeWork"));
    assertThat(runners.sent).isEmpty();
    pool.complete(C1);
    assertThat(runners.sent.poll(10, TimeUnit.SECONDS))
        .isEqualTo(new FakeRunners.Sent(A, new RunTest(C2)));
  }

  @Test
  void retriesABusyRunnerUntilItAccepts() throws Exception {
    runners.answer(A, Reply.BUSY);
    pool.register(A);
    pool.enqueue(C1);
    redistributor.start();
    assertThat(runners.sent.poll(10, TimeUnit.SECONDS)).isNotNull();
    runners.answer(A, Reply.OK);
    await().atMost(Duration.ofSeconds(10)).until(() -> pool.assignments().containsKey(C1));
  }

  @Test
  void offersNothingWhileResultsCannotBeStoredAndCarriesOnWhenTheyCan() throws Exception {
    runners.answer(A, Reply.OK);
    pool.register(A);
    storage.failed("cannot write result test_results/aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111: No space left on device");
    pool.enqueue(C1);
    redistributor.start();

    // it waits on the health, not on a timer: nothing is offered however long this takes
    await().atMost(Duration.ofSeconds(10))
        .until(() -> LiveThreads.waitingIn("dispatcher-redistributor", "awaitHealthy"));
    assertThat(runners.sent).isEmpty();
    assertThat(pool.pending()).containsExactly(C1);

    storage.worked();
    assertThat(runners.sent.poll(10, TimeUnit.SECONDS))
        .isEqualTo(new FakeRunners.Sent(A, new RunTest(C1)));
    await().atMost(Duration.ofSeconds(10)).until(() -> pool.assignments().containsKey(C1));
  }

  @Test
  @ExpectsThreadDeath("the redistributor dies to show the policy ends the dispatcher")
  void anErrorInTheRedistributorEndsTheDispatcherRatherThanStallingTheQueue() throws Exception {
    BlockingQueue<Integer> exits = new ArrayBlockingQueue<>(1);
    try (LogRecorder logs = LogRecorder.record(UncaughtExceptions.class.getName())) {
      UncaughtExceptions.install("dispatcher", exits::add);
      RunnerPool failingPool = new RunnerPool();
      Redistributor failing = new Redistributor(failingPool, (runner, request) -> {
        throw new StackOverflowError("a bug");
      }, storage);
      failingPool.register(A);
      failingPool.enqueue(C1);
      try {
        failing.start();

        assertThat(exits.poll(10, TimeUnit.SECONDS)).isEqualTo(UncaughtExceptions.EXIT_STATUS);
        assertThat(logs.awaitLine("ERROR thread dispatcher-redistributor ended by an uncaught"
            + " exception; dispatcher cannot work without it")).isNotNull();
      } finally {
        UncaughtExceptions.uninstall();
        failing.close();
      }
    }
  }
}
