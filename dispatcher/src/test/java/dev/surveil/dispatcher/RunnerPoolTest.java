package dev.surveil.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.HostAndPort;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RunnerPoolTest {
  private static final HostAndPort A = new HostAndPort("localhost", 8901);
  private static final HostAndPort B = new HostAndPort("localhost", 8902);
  private static final CommitId C1 = new CommitId("aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111");
  private static final CommitId C2 = new CommitId("bbbb2222bbbb2222bbbb2222bbbb2222bbbb2222");
  private static final CommitId C3 = new CommitId("cccc3333cccc3333cccc3333cccc3333cccc3333");

  private final RunnerPool pool = new RunnerPool();

  @Test
  void queuesCommitsInArrivalOrderAndRefusesDuplicates() throws Exception {
    pool.register(A);
    assertThat(pool.enqueue(C1)).isEqualTo(RunnerPool.Enqueued.QUEUED);
    assertThat(pool.enqueue(C2)).isEqualTo(RunnerPool.Enqueued.QUEUED);
    assertThat(pool.enqueue(C1)).isEqualTo(RunnerPool.Enqueued.ALREADY_PENDING);
    assertThat(pool.pending()).containsExactly(C1, C2);
    assertThat(pool.takeWork()).get().extracting(RunnerPool.Work::commit).isEqualTo(C1);
    assertThat(pool.assign(C1, A)).isTrue();
    assertThat(pool.enqueue(C1)).isEqualTo(RunnerPool.Enqueued.ALREADY_ASSIGNED);
  }

  @Test
  void removedRunnersCommitGoesBackToTheFrontOfTheQueue() {
    pool.register(A);
    pool.enqueue(C1);
    pool.enqueue(C2);
    assertThat(pool.assign(C1, A)).isTrue();
    pool.enqueue(C3);
    Optional<RunnerPool.Removed> removed = pool.remove(A);
    assertThat(removed).get().extracting(RunnerPool.Removed::requeued).isEqualTo(C1);
    assertThat(pool.pending()).containsExactly(C1, C2, C3);
    assertThat(pool.assignments()).isEmpty();
    assertThat(pool.remove(A)).isEmpty();
  }

  @Test
  void runnerThatRegistersAgainWhileBusyLosesItsCommitToTheQueue() {
    pool.register(A);
    pool.enqueue(C1);
    pool.assign(C1, A);
    assertThat(pool.register(A)).contains(C1);
    assertThat(pool.pending()).containsExactly(C1);
  }

  @Test
  void runnerWhoseReportWaitsRegistersAgainAndKeepsItsCommit() {
    pool.register(A);
    pool.register(B);
    pool.enqueue(C1);
    pool.assign(C1, A);
    assertThat(pool.reportWaits(C1)).isTrue();

    assertThat(pool.register(A)).isEmpty(); // its report was refused: it registers, keeping it

    assertThat(pool.assignments()).containsEntry(C1, A);
    assertThat(pool.pending()).isEmpty();
    assertThat(pool.complete(C1)).contains(A); // the report arrives at last
    assertThat(pool.register(A)).isEmpty();
    assertThat(pool.reportWaits(C2)).as("a commit nobody tests").isFalse();
  }

  @Test
  void aWaitingReportIsForgottenWhenItsRunnerIsRemoved() {
    pool.register(A);
    pool.enqueue(C1);
    pool.assign(C1, A);
    pool.reportWaits(C1);
    pool.remove(A);
    pool.register(A);
    pool.assign(C1, A);

    assertThat(pool.register(A)).contains(C1); // this run has no report yet: it was lost
  }

  @Test
  void completingACommitFreesItsRunner() throws Exception {
    pool.register(A);
    pool.enqueue(C1);
    pool.assign(C1, A);
    pool.enqueue(C2);
    assertThat(pool.complete(C1)).contains(A);
    RunnerPool.Work work = pool.takeWork().orElseThrow();
    assertThat(work.commit()).isEqualTo(C2);
    assertThat(work.idleRunners()).containsExactly(A);
  }

  @Test
  void requeueingACommitFreesItsRunnerAndPutsItFirst() {
    pool.register(A);
    pool.enqueue(C1);
    pool.enqueue(C2);
    pool.assign(C1, A);
    pool.requeue(C1);
    assertThat(pool.pending()).containsExactly(C1, C2);
    assertThat(pool.assignments()).isEmpty();
    assertThat(pool.assign(C1, A)).isTrue();
  }

  @Test
  void assignRefusesARunnerThatIsBusyOrGone() {
    pool.register(A);
    pool.enqueue(C1);
    pool.enqueue(C2);
    assertThat(pool.assign(C1, A)).isTrue();
    assertThat(pool.assign(C2, A)).isFalse();
    assertThat(pool.assign(C2, B)).isFalse();
    assertThat(pool.pending()).containsExactly(C2);
  }

  @Test
  void takeWorkWaitsForBothACommitAndAnIdleRunner() throws Exception {
    CompletableFuture<Optional<RunnerPool.Work>> taken = CompletableFuture.supplyAsync(() -> {
      try {
        return pool.takeWork();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    pool.enqueue(C1);
    assertThat(taken).isNotDone();
    pool.register(B);
    assertThat(taken.get(10, TimeUnit.SECONDS)).get()
        .extracting(RunnerPool.Work::commit).isEqualTo(C1);
  }

  @Test
  void closeReleasesWaitingThreads() throws Exception {
    CompletableFuture<Optional<RunnerPool.Work>> taken = CompletableFuture.supplyAsync(() -> {
      try {
        return pool.takeWork();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    pool.close();
    assertThat(taken.get(10, TimeUnit.SECONDS)).isEmpty();
    assertThat(pool.awaitRunners()).isFalse();
  }

  @Test
  void idleRunnersAreOfferedInRotation() throws Exception {
    pool.register(A);
    pool.register(B);
    pool.enqueue(C1);
    HostAndPort first = pool.takeWork().orElseThrow().idleRunners().get(0);
    HostAndPort second = pool.takeWork().orElseThrow().idleRunners().get(0);
    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void replayingTheSnapshotRebuildsThePool() {
    pool.register(A);
    pool.register(B);
    pool.enqueue(C1);
    pool.enqueue(C2);
    pool.enqueue(C3);
    assertThat(pool.assign(C2, B)).isTrue();
    RunnerPool copy = RunnerPool.recover(pool.snapshot(), Journal.NONE);
    assertThat(copy.runners()).containsExactly(A, B);
    assertThat(copy.pending()).containsExactly(C1, C3);
    assertThat(copy.assignments()).isEqualTo(java.util.Map.of(C2, B));
  }

  @Test
  void replayingEveryChangeGivesTheSameStateAsMakingThem() {
    RecordingJournal journal = new RecordingJournal();
    List<PoolChange> recorded = journal.changes;
    RunnerPool recording = new RunnerPool(journal);
    recording.register(A);
    recording.enqueue(C1);
    recording.enqueue(C2);
    recording.assign(C1, A);
    recording.register(B);
    recording.assign(C2, B);
    recording.remove(A);
    recording.complete(C2);
    recording.requeue(C3);
    recording.register(B); // idle and registered: nothing changes, nothing is recorded
    RunnerPool replayed = RunnerPool.recover(recorded, Journal.NONE);
    assertThat(replayed.runners()).isEqualTo(recording.runners()).containsExactly(B);
    assertThat(replayed.pending()).isEqualTo(recording.pending()).containsExactly(C3, C1);
    assertThat(replayed.assignments()).isEqualTo(recording.assignments()).isEmpty();
    assertThat(recorded).hasSize(9);
  }
}
