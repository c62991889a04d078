package dev.surveil.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.surveil.net.HostAndPort;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Dispatch;
import dev.surveil.protocol.Ping;
import dev.surveil.protocol.Register;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Results;
import dev.surveil.protocol.RunTest;
import dev.surveil.protocol.Status;
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
    assertThat(handler.handle(new Register("localhost", 8901))).isEqualTo(Reply.OK);
    assertThat(pool.runners()).containsExactly(RUNNER);
    assertThat(handler.handle(new Dispatch(COMMIT))).isEqualTo(Reply.OK);
    assertThat(handler.handle(new Dispatch(COMMIT))).isEqualTo(Reply.OK);
    assertThat(pool.pending()).containsExactly(COMMIT);
  }

  @Test
  void storesResultsAndFreesTheRunner() throws Exception {
    handler.handle(new Register("localhost", 8901));
    handler.handle(new Dispatch(COMMIT));
    pool.assign(COMMIT, RUNNER);
    String report = "FAILED x: y\nz\n";
    assertThat(handler.handle(new Results(COMMIT, report))).isEqualTo(Reply.OK);
    assertThat(Files.readString(dir.resolve(COMMIT.value()))).isEqualTo(report);
    assertThat(pool.assignments()).isEmpty();
  }

  @Test
  void doesNotQueueACommitThatAlreadyHasAResult() {
    handler.handle(new Register("localhost", 8901));
    handler.handle(new Results(COMMIT, "done"));
    assertThat(handler.handle(new Dispatch(COMMIT))).isEqualTo(Reply.OK);
    assertThat(pool.pending()).isEmpty();
  }

  @Test
  void aResultThatCannotBeStoredIsNotAcknowledgedAndTheCommitIsTestedAgain() throws Exception {
    Path results = dir.resolve("results");
    DispatchHandler broken = new DispatchHandler(pool, new ResultStore(results));
    broken.handle(new Register("localhost", 8901));
    broken.handle(new Dispatch(COMMIT));
    pool.assign(COMMIT, RUNNER);
    // the results folder is gone and a file is in its way: nothing can be written
    Files.delete(results);
    Files.writeString(results, "not a folder");

    assertThatThrownBy(() -> broken.handle(new Results(COMMIT, "report")))
        .isInstanceOf(java.io.UncheckedIOException.class);
    assertThat(pool.pending()).containsExactly(COMMIT);
    assertThat(pool.assignments()).isEmpty();
  }

  @Test
  void keepsTheFirstResultWhenASecondArrives() throws Exception {
    handler.handle(new Results(COMMIT, "first"));
    assertThat(handler.handle(new Results(COMMIT, "second"))).isEqualTo(Reply.OK);
    assertThat(Files.readString(dir.resolve(COMMIT.value()))).isEqualTo("first");
  }

  @Test
  void refusesRunnerRequests() {
    assertThat(handler.handle(new Ping())).isEqualTo(Reply.INVALID_COMMAND);
    assertThat(handler.handle(new RunTest(COMMIT))).isEqualTo(Reply.INVALID_COMMAND);
  }
}
