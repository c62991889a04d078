package dev.surveil.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Results;
import dev.surveil.testing.FailingFolder;
import dev.surveil.testing.LogRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportOutboxTest {
  private static final Results FIRST =
      new Results(new CommitId("1111111111111111111111111111111111111111"), "first report\n");
  private static final Results SECOND =
      new Results(new CommitId("2222222222222222222222222222222222222222"), "second: ü\n");

  @TempDir Path root;

  private Path folder() {
    return root.resolve("surveil-outbox");
  }

  @Test
  void keepsEachReportInAFileNamedByItsCommitUntilRemoved() throws Exception {
    ReportOutbox outbox = ReportOutbox.open(folder());
    assertThat(outbox.isEmpty()).isTrue();

    outbox.put(FIRST);
    outbox.put(SECOND);

    assertThat(folder().resolve(FIRST.commit().value())).hasContent("first report\n");
    assertThat(folder().resolve(SECOND.commit().value())).hasContent("second: ü\n");
    assertThat(outbox.oldest()).contains(FIRST);
    assertThat(outbox.reports()).containsExactly(FIRST, SECOND);

    outbox.remove(FIRST);

    assertThat(folder().resolve(FIRST.commit().value())).doesNotExist();
    assertThat(outbox.oldest()).contains(SECOND);
    outbox.remove(SECOND);
    assertThat(outbox.isEmpty()).isTrue();
    assertThat(folder()).isEmptyDirectory();
  }

  @Test
  void aReopenedOutboxHasTheReportsOldestFirst() throws Exception {
    ReportOutbox before = ReportOutbox.open(folder());
    before.put(SECOND);
    before.put(FIRST);
    // file times may be coarse: make the order plain
    Files.setLastModifiedTime(folder().resolve(SECOND.commit().value()),
        FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));

    ReportOutbox after = ReportOutbox.open(folder());

    assertThat(after.size()).isEqualTo(2);
    assertThat(after.oldest()).contains(SECOND);
    after.remove(after.oldest().orElseThrow());
    assertThat(after.oldest()).contains(FIRST);
  }

  @Test
  void removesTemporaryFilesAKilledRunnerLeftAndIgnoresStrangers() throws Exception {
    Files.createDirectories(folder());
    Files.writeString(folder().resolve(".incoming-123.tmp"), "half a rep");
    Files.writeString(folder().resolve("notes.txt"), "not a report");

    ReportOutbox outbox = ReportOutbox.open(folder());

    assertThat(outbox.isEmpty()).isTrue();
    assertThat(folder().resolve(".incoming-123.tmp")).doesNotExist();
    assertThat(folder().resolve("notes.txt")).exists();
  }

  @Test
  void aNewerReportOfTheSameCommitReplacesTheOlderAndSurvivesItsRemoval() throws Exception {
    ReportOutbox outbox = ReportOutbox.open(folder());
    outbox.put(FIRST);
    Results delivering = outbox.oldest().orElseThrow();
    Results newer = new Results(FIRST.commit(), "tested again\n");
    outbox.put(SECOND);
    outbox.put(newer);

    outbox.remove(delivering);

    assertThat(outbox.oldest()).contains(SECOND);
    assertThat(outbox.size()).isEqualTo(2);
    assertThat(folder().resolve(FIRST.commit().value())).hasContent("tested again\n");
  }

  @Test
  void aReportThatCannotBeWrittenIsKeptInMemoryAndTheErrorSaysWhereAndWhy() throws Exception {
    try (FailingFolder failing = FailingFolder.create(folder());
        LogRecorder logs = LogRecorder.record(ReportOutbox.class.getName())) {
      ReportOutbox outbox = ReportOutbox.open(failing.path());
      failing.startFailing();

      outbox.put(FIRST);

      assertThat(outbox.oldest()).contains(FIRST);
      assertThat(logs.lines()).singleElement().asString()
          .startsWith("ERROR cannot write report "
              + failing.path().resolve(FIRST.commit().value()) + ": " + failing.reason())
          .endsWith("; keeping the report of commit " + FIRST.commit()
              + " in memory only (a restart would lose it)");
    }
  }
}
