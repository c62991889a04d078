package dev.surveil.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.protocol.Claim;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Dispatch;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Ping;
import dev.surveil.protocol.Register;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Results;
import dev.surveil.protocol.RunTest;
import dev.surveil.protocol.Status;
import dev.surveil.testing.FailingFolder;
import dev.surveil.testing.FakeTicker;
import dev.surveil.testing.LogRecorder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DispatchHandlerTest {
  private static final CommitId COMMIT = new CommitId("abcdef0123456789abcdef0123456789abcdef01");
  private static final HostAndPort RUNNER = new HostAndPort("localhost", 8901);

  @TempDir
  Path dir;
  private final RunnerPool pool = new RunnerPool();
  private DispatchHandler handler;

  @BeforeEach
  void setUp() throws Exception {
    handler = new DispatchHandler(pool, new ResultStore(dir));
  }

  @Test
  void answersStatusWithOk() {
    assertThat(handler.handle(new Status())).isEqualTo(Reply.OK);
  }

  @Test
  void refusesDispatchWhileNoRunnersAreRegistered() {
    assertThat(handler.handle(new Dispatch(COMMIT))).isEqualTo(Reply.NO_RUNNERS);
    assertThat(pool.pending()).isEmpty();
  }

  @Test
  void queuesADispatchedCommitAndRepliesAtOnce() {
    assertThat(handler.handle(new Register(RUNNER))).isEqualTo(Reply.OK);
    assertThat(pool.runners()).containsExactly(RUNNER);
    assertThat(handler.handle(new Dispatch(COMMIT))).isEqualTo(Reply.OK);
    assertThat(handler.handle(new Dispatch(COMMIT))).isEqualTo(Reply.OK);
    assertThat(pool.pending()).containsExactly(COMMIT);
  }

  @Test
  void storesResultsAndFreesTheRunner() throws Exception {
    assignCommitToRunner(handler, pool);
    String report = "FAILED x: y\nz\n";
    assertThat(handler.handle(new Results(COMMIT, report))).isEqualTo(Reply.OK);
    assertThat(Files.readString(dir.resolve(COMMIT.value()))).isEqualTo(report);
    assertThat(pool.assignments()).isEmpty();
  }

  @Test
  void doesNotQueueACommitThatAlreadyHasAResult() throws Exception {
    handler.handle(new Register(RUNNER));
    Files.writeString(dir.resolve(COMMIT.value()), "done");
    assertThat(handler.handle(new Dispatch(COMMIT))).isEqualTo(Reply.OK);
    assertThat(pool.pending()).isEmpty();
  }

  @Test
  void aResultThatCannotBeStoredGetsNoReplyAndItsCommitStaysWithItsRunner() throws Exception {
    try (FailingFolder folder = FailingFolder.create(dir.resolve("results"));
        Folder storage = new Folder(folder)) {
      assignCommitToRunner(storage.handler, storage.pool);
      folder.startFailing();

      assertThat(storage.handler.handle(new Results(COMMIT, "report"))).isNull();

      assertThat(storage.pool.assignments()).containsEntry(COMMIT, RUNNER);
      assertThat(storage.pool.pending()).isEmpty();
      assertThat(folder.path().resolve(COMMIT.value())).doesNotExist();
      assertThat(storage.health.isHealthy()).isFalse();
    }
  }

  @Test
  void aThousandFailedStoresLeaveTheJournalAsItWasAndAreReportedOnce() throws Exception {
    try (FailingFolder folder = FailingFolder.create(dir.resolve("results"));
        Folder storage = new Folder(folder);
        LogRecorder logs = LogRecorder.record("dev.surveil.dispatcher")) {
      assignCommitToRunner(storage.handler, storage.pool);
      storage.health.start();
      folder.startFailing();
      byte[] journal = Files.readAllBytes(storage.journal.file());

      for (int attempt = 0; attempt < 1_000; attempt++) {
        assertThat(storage.handler.handle(new Results(COMMIT, "report " + attempt))).isNull();
        // a runner whose report is refused registers again: that must not requeue its commit
        assertThat(storage.handler.handle(new Register(RUNNER))).isEqualTo(Reply.OK);
      }

      byte[] after = Files.readAllBytes(storage.journal.file());
      System.out.printf("journal after 1,000 failed stores (%s): %d bytes before, %d after%n",
          folder.reason(), journal.length, after.length);
      assertThat(after).isEqualTo(journal);
      assertThat(storage.pool.assignments()).containsEntry(COMMIT, RUNNER);
      assertThat(storage.pool.pending()).isEmpty();
      assertThat(logs.linesStartingWith("ERROR")).singleElement().asString()
          .startsWith("ERROR cannot write result " + folder.path().resolve(COMMIT.value())
              + ": " + folder.reason());
      assertThat(logs.linesStartingWith("WARN")).isEmpty();
    }
  }

  @Test
  void aResultResentOnceTheFolderCanBeWrittenIsStoredAndFreesTheRunner() throws Exception {
    try (FailingFolder folder = FailingFolder.create(dir.resolve("results"));
        Folder storage = new Folder(folder)) {
      assignCommitToRunner(storage.handler, storage.pool);
      folder.startFailing();
      assertThat(storage.handler.handle(new Results(COMMIT, "report"))).isNull();
      folder.stopFailing();

      assertThat(storage.handler.handle(new Results(COMMIT, "report"))).isEqualTo(Reply.OK);

      assertThat(Files.readString(folder.path().resolve(COMMIT.value()))).isEqualTo("report");
      assertThat(storage.pool.assignments()).isEmpty();
      assertThat(storage.health.isHealthy()).isTrue();
    }
  }

  @Test
  void aDispatchTheJournalCannotRecordGetsNoReplyAndIsNotQueued() throws Exception {
    try (FailingFolder folder = FailingFolder.create(dir.resolve("results"));
        Folder storage = new Folder(folder)) {
      storage.handler.handle(new Register(RUNNER));
      storage.journal.close(); // every later write fails

      assertThat(storage.handler.handle(new Dispatch(COMMIT))).isNull();

      assertThat(storage.pool.pending()).isEmpty();
      assertThat(storage.health.isHealthy()).isFalse();
    }
  }

  /** A handler whose results and journal are in one folder, as the dispatcher's are. */
  /** Registers RUNNER, dispatches COMMIT and hands it to RUNNER, as the redistributor would. */
  private static void assignCommitToRunner(DispatchHandler handler, RunnerPool pool) {
    handler.handle(new Register(RUNNER));
    handler.handle(new Dispatch(COMMIT));
    pool.assign(COMMIT, RUNNER);
  }

  private static final class Folder implements AutoCloseable {
    final StorageHealth health;
    final JournalFile journal;
    final RunnerPool pool;
    final DispatchHandler handler;

    Folder(FailingFolder folder) throws Exception {
      health = new StorageHealth(folder.path(), new FakeTicker());
      ResultStore results = new ResultStore(folder.path(), health);
      journal = JournalFile.open(folder.path(), health);
      pool = new RunnerPool(journal);
      handler = new DispatchHandler(pool, results);
    }

    @Override
    public void close() throws Exception {
      journal.close();
    }
  }

  @Test
  void keepsTheFirstResultWhenASecondArrives() throws Exception {
    assignCommitToRunner(handler, pool);
    handler.handle(new Results(COMMIT, "first"));
    assertThat(handler.handle(new Results(COMMIT, "second"))).isEqualTo(Reply.OK);
    assertThat(Files.readString(dir.resolve(COMMIT.value()))).isEqualTo("first");
  }

  @Test
  void refusesAResultFromAnotherAddressThanItsRunnersHostAndStoresTheRunnersOwn()
      throws Exception {
    try (LogRecorder logs = LogRecorder.record("dev.surveil.dispatcher")) {
      assignCommitToRunner(handler, pool);

      assertThat(handler.handle(new Results(COMMIT, "forged PASSED"), from("127.0.0.2", 4242)))
          .isEqualTo(Reply.INVALID_COMMAND);

      assertThat(dir.resolve(COMMIT.value())).doesNotExist();
      assertThat(pool.assignments()).containsEntry(COMMIT, RUNNER);
      assertThat(logs.linesStartingWith("WARN")).singleElement().asString()
          .isEqualTo("WARN refused a result for commit " + COMMIT + " from 127.0.0.2:4242: the"
              + " commit is being tested by runner localhost:8901, whose host is not that"
              + " address");

      assertThat(handler.handle(new Results(COMMIT, "real"), from("127.0.0.1", 5151)))
          .isEqualTo(Reply.OK);
      assertThat(Files.readString(dir.resolve(COMMIT.value()))).isEqualTo("real");
      assertThat(pool.assignments()).isEmpty();
      assertThat(logs.linesStartingWith("INFO")).anySatisfy(line -> assertThat(line)
          .startsWith("INFO stored result for commit " + COMMIT + " from runner localhost:8901"
              + " sent from 127.0.0.1:5151 in "));
    }
  }

  @Test
  void aRunnerRegisteredUnderAnAddressOfThisMachineMayReportFromLocalhostOnly() {
    HostAndPort runner = new HostAndPort("127.0.0.5", 8901);
    handler.handle(new Register(runner));
    handler.handle(new Dispatch(COMMIT));
    pool.assign(COMMIT, runner);

    assertThat(handler.handle(new Results(COMMIT, "forged"), from("127.0.0.2", 1)))
        .isEqualTo(Reply.INVALID_COMMAND);
    assertThat(handler.handle(new Results(COMMIT, "real"), from("127.0.0.1", 1)))
        .isEqualTo(Reply.OK);
  }

  @Test
  void refusesAResultForACommitNoRunnerHadUnlessConfiguredToAcceptIt() throws Exception {
    try (LogRecorder logs = LogRecorder.record("dev.surveil.dispatcher")) {
      handler.handle(new Register(RUNNER));
      handler.handle(new Dispatch(COMMIT));

      assertThat(handler.handle(new Results(COMMIT, "queued, not tested")))
          .isEqualTo(Reply.INVALID_COMMAND);
      assertThat(logs.linesStartingWith("WARN")).singleElement().asString()
          .startsWith("WARN refused a result for commit " + COMMIT + " from 127.0.0.1:0: no"
              + " runner is testing the commit (start the dispatcher with"
              + " --accept-unassigned-results");
    }
    assertThat(pool.pending()).containsExactly(COMMIT);
    assertThat(dir.resolve(COMMIT.value())).doesNotExist();

    DispatchHandler accepting = new DispatchHandler(pool, new ResultStore(dir), true);
    assertThat(accepting.handle(new Results(COMMIT, "hand-made"), from("127.0.0.2", 1)))
        .isEqualTo(Reply.OK);
    assertThat(Files.readString(dir.resolve(COMMIT.value()))).isEqualTo("hand-made");
    assertThat(pool.pending()).isEmpty();
  }

  @Test
  void takesALateResultFromTheRunnerThatHadTheCommitAndDoneWithItAtOnce() throws Exception {
    HostAndPort frozen = new HostAndPort("127.0.0.3", 8901);
    HostAndPort other = new HostAndPort("127.0.0.4", 8902);
    handler.handle(new Register(frozen));
    handler.handle(new Register(other));
    handler.handle(new Dispatch(COMMIT));
    pool.assign(COMMIT, frozen);
    pool.remove(frozen); // missed its pings: the commit is requeued...
    pool.assign(COMMIT, other); // ...and given to another runner

    try (LogRecorder logs = LogRecorder.record("dev.surveil.dispatcher")) {
      assertThat(handler.handle(new Results(COMMIT, "late"), from("127.0.0.3", 1)))
          .isEqualTo(Reply.OK);
      assertThat(logs.linesStartingWith("INFO stored result")).singleElement().asString()
          .startsWith("INFO stored result for commit " + COMMIT + " from runner " + frozen
              + " sent from 127.0.0.3:1 in ");
    }

    assertThat(Files.readString(dir.resolve(COMMIT.value()))).isEqualTo("late");
    assertThat(pool.assignments()).isEmpty();
    assertThat(pool.pending()).isEmpty();
    // the other runner's result, when it comes, changes nothing and is acknowledged
    assertThat(handler.handle(new Results(COMMIT, "second"), from("127.0.0.4", 1)))
        .isEqualTo(Reply.OK);
    assertThat(Files.readString(dir.resolve(COMMIT.value()))).isEqualTo("late");
    // and once done, nobody is the former runner any more
    assertThat(pool.senders(COMMIT).all()).isEmpty();
  }

  @Test
  void takesTheResultOfTheRunnerTheCommitIsBeingOfferedToBeforeItsOkIsRead() throws Exception {
    handler.handle(new Register(RUNNER));
    handler.handle(new Dispatch(COMMIT));
    pool.offering(COMMIT, RUNNER);

    assertThat(handler.handle(new Results(COMMIT, "fast"), from("127.0.0.1", 1)))
        .isEqualTo(Reply.OK);

    assertThat(Files.readString(dir.resolve(COMMIT.value()))).isEqualTo("fast");
    assertThat(pool.pending()).isEmpty();
    assertThat(pool.assign(COMMIT, RUNNER)).as("the offer's OK, read now").isFalse();
  }

  @Test
  void aResentResultForACommitThatHasOneIsAcknowledgedAndClosesTheCommit() throws Exception {
    assignCommitToRunner(handler, pool);
    // stored, but the journal could not record that the commit is done
    Files.writeString(dir.resolve(COMMIT.value()), "first");

    assertThat(handler.handle(new Results(COMMIT, "again"))).isEqualTo(Reply.OK);

    assertThat(pool.assignments()).isEmpty();
    assertThat(Files.readString(dir.resolve(COMMIT.value()))).isEqualTo("first");
  }

  @Test
  void aClaimIsAnsweredOkOnlyForTheRunnerThatHasTheCommit() {
    HostAndPort other = new HostAndPort("localhost", 8902);
    handler.handle(new Register(RUNNER));
    handler.handle(new Register(other));
    handler.handle(new Dispatch(COMMIT));
    assertThat(handler.handle(new Claim(COMMIT, RUNNER)))
        .as("queued, offered to nobody").isEqualTo(Reply.NOT_ASSIGNED);

    pool.assign(COMMIT, RUNNER);

    assertThat(handler.handle(new Claim(COMMIT, RUNNER))).isEqualTo(Reply.OK);
    assertThat(handler.handle(new Claim(COMMIT, other)))
        .isEqualTo(Reply.NOT_ASSIGNED);
  }

  private static InetSocketAddress from(String address, int port) {
    try {
      return new InetSocketAddress(InetAddress.getByName(address), port);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void refusesRunnerRequests() {
    assertThat(handler.handle(new Ping())).isEqualTo(Reply.INVALID_COMMAND);
    assertThat(handler.handle(new RunTest(COMMIT))).isEqualTo(Reply.INVALID_COMMAND);
  }
}
