package dev.surveil.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.storage.AtomicFile;
import dev.surveil.testing.FailingFolder;
import dev.surveil.testing.FakeTicker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalFileTest {
  private static final HostAndPort A = new HostAndPort("127.0.0.1", 8901);
  private static final CommitId C1 = new CommitId("aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111");
  private static final CommitId C2 = new CommitId("bbbb2222bbbb2222bbbb2222bbbb2222bbbb2222");

  @TempDir
  Path dir;

  @Test
  void everyChangeFormatsAndParsesBack() {
    for (PoolChange change : List.of(PoolChange.register(A), PoolChange.remove(A),
        PoolChange.enqueue(C1), PoolChange.assign(C1, A), PoolChange.complete(C1),
        PoolChange.requeue(C1))) {
      assertThat(PoolChange.parse(change.format())).isEqualTo(change);
    }
    assertThat(PoolChange.assign(C1, A).format()).isEqualTo("assign aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111 127.0.0.1:8901");
  }

  @Test
  void refusesLinesThatAreNotChanges() {
    for (String line : List.of("", "enqueue", "enqueue ../x", "assign aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111",
        "register 127.0.0.1:8901 extra", "launch aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111")) {
      assertThatThrownBy(() -> PoolChange.parse(line))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("journal line");
    }
  }

  @Test
  void changesSurviveReopening() throws Exception {
    try (JournalFile journal = JournalFile.open(dir)) {
      assertThat(journal.recovered()).isEmpty();
      journal.append(PoolChange.register(A));
      journal.append(PoolChange.enqueue(C1));
      journal.sync();
    }
    try (JournalFile journal = JournalFile.open(dir)) {
      assertThat(journal.recovered())
          .containsExactly(PoolChange.register(A), PoolChange.enqueue(C1));
    }
  }

  @Test
  void dropsALastLineCutShortByACrashAndSkipsDamagedLines() throws Exception {
    Files.writeString(dir.resolve(JournalFile.NAME),
        "enqueue aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111\ngarbage\nenqueue bbbb2222bbbb2222bbbb2222bbbb2222bbbb2222\nassign bbbb", StandardCharsets.UTF_8);
    try (JournalFile journal = JournalFile.open(dir)) {
      assertThat(journal.recovered())
          .containsExactly(PoolChange.enqueue(C1), PoolChange.enqueue(C2));
    }
  }

  @Test
  void theNextAppendCutsOffALastLineCutShortByACrash() throws Exception {
    Files.writeString(dir.resolve(JournalFile.NAME), "enqueue aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111\nassign bbbb",
        StandardCharsets.UTF_8);
    try (JournalFile journal = JournalFile.open(dir)) {
      journal.append(PoolChange.enqueue(C2));
    }
    assertThat(Files.readString(dir.resolve(JournalFile.NAME)))
        .isEqualTo("enqueue aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111\nenqueue bbbb2222bbbb2222bbbb2222bbbb2222bbbb2222\n");
  }

  @Test
  void aRewriteThatFailsLeavesTheJournalAsItWasAndAppendsGoOnIntoIt() throws Exception {
    try (FailingFolder folder = FailingFolder.create(dir.resolve("results"))) {
      StorageHealth health = new StorageHealth(folder.path(), new FakeTicker());
      Path file = folder.path().resolve(JournalFile.NAME);
      try (JournalFile journal = JournalFile.open(folder.path(), health)) {
        journal.append(PoolChange.register(A));
        journal.append(PoolChange.enqueue(C1));
        folder.startFailing();

        assertThatThrownBy(() -> journal.compact(List.of(PoolChange.enqueue(C2))))
            .hasMessageStartingWith("cannot rewrite journal " + file + ": " + folder.reason());
        assertThat(health.isHealthy()).isFalse();
        assertThat(temporaryFiles(folder.path())).isEmpty();
        journal.append(PoolChange.complete(C1)); // fits the slack of the file's last block
        journal.sync();
      }
      folder.stopFailing();
      try (JournalFile journal = JournalFile.open(folder.path())) {
        assertThat(journal.recovered()).containsExactly(PoolChange.register(A),
            PoolChange.enqueue(C1), PoolChange.complete(C1));
      }
    }
  }

  @Test
  void aLineAFullDiskCutShortIsRemovedBeforeTheNextOne() throws Exception {
    try (FailingFolder folder = FailingFolder.create(dir.resolve("results"))) {
      Assumptions.assumeTrue(folder.fault() == FailingFolder.Fault.FULL,
          "only a full disk cuts a write short: " + folder.fault());
      Path file = folder.path().resolve(JournalFile.NAME);
      List<PoolChange> written = new ArrayList<>();
      try (JournalFile journal = JournalFile.open(folder.path())) {
        // fill the file's first page until the next line no longer fits in it
        for (int i = 0; Files.size(file) <= 4096 - 40; i++) {
          written.add(PoolChange.enqueue(new CommitId(String.format("%040x", i))));
          journal.append(written.get(i));
        }
        folder.startFailing();
        PoolChange tooLong = PoolChange.enqueue(new CommitId("c".repeat(40)));
        assertThatThrownBy(() -> journal.append(tooLong))
            .hasMessage("cannot write journal " + file + ": No space left on device");
        assertThat(Files.size(file)).as("what the full disk took").isEqualTo(4096);
        folder.stopFailing();
        journal.append(PoolChange.enqueue(C2));
        written.add(PoolChange.enqueue(C2));
      }
      try (JournalFile journal = JournalFile.open(folder.path())) {
        assertThat(journal.recovered()).isEqualTo(written);
      }
      assertThat(Files.readString(file)).endsWith("\nenqueue bbbb2222bbbb2222bbbb2222bbbb2222bbbb2222\n");
    }
  }

  @Test
  void compactionReplacesTheHistoryWithTheSnapshotAndKeepsAppending() throws Exception {
    try (JournalFile journal = JournalFile.open(dir)) {
      journal.append(PoolChange.enqueue(C1));
      journal.append(PoolChange.complete(C1));
      journal.compact(List.of(PoolChange.enqueue(C2)));
      journal.append(PoolChange.register(A));
      journal.sync();
    }
    assertThat(Files.readAllLines(dir.resolve(JournalFile.NAME)))
        .containsExactly("enqueue bbbb2222bbbb2222bbbb2222bbbb2222bbbb2222", "register 127.0.0.1:8901");
    assertThat(temporaryFiles(dir)).isEmpty();
  }

  @Test
  void aBusyPoolKeepsItsJournalBounded() throws Exception {
    try (JournalFile journal = JournalFile.open(dir)) {
      RunnerPool pool = new RunnerPool(journal);
      pool.register(A);
      for (int i = 0; i < 5_000; i++) {
        CommitId commit = new CommitId(String.format("%040x", i));
        pool.enqueue(commit);
        pool.assign(commit, A);
        pool.complete(commit);
      }
      pool.enqueue(C1);
      journal.sync();
      assertThat(Files.readAllLines(dir.resolve(JournalFile.NAME)).size()).isLessThan(1_100);
      assertThat(JournalFile.open(dir).recovered()).isNotEmpty();
    }
    try (JournalFile journal = JournalFile.open(dir)) {
      RunnerPool recovered = RunnerPool.recover(journal.recovered(), journal);
      assertThat(recovered.runners()).containsExactly(A);
      assertThat(recovered.pending()).containsExactly(C1);
    }
  }

  @Test
  void aChangeTheJournalCannotRecordIsNotMade() throws Exception {
    JournalFile journal = JournalFile.open(dir);
    RunnerPool pool = new RunnerPool(journal);
    pool.register(A);
    journal.close(); // every later append fails
    assertThatThrownBy(() -> pool.enqueue(C1)).hasMessageContaining("cannot write journal");
    assertThat(pool.pending()).isEmpty();
  }

  @Test
  void appendsAreWholeLines() throws Exception {
    List<String> expected = new ArrayList<>();
    try (JournalFile journal = JournalFile.open(dir)) {
      for (int i = 0; i < 100; i++) {
        CommitId commit = new CommitId(String.format("%040x", i));
        journal.append(PoolChange.enqueue(commit));
        expected.add("enqueue " + commit.value());
      }
    }
    Files.writeString(dir.resolve(JournalFile.NAME), "", StandardOpenOption.APPEND);
    assertThat(Files.readAllLines(dir.resolve(JournalFile.NAME))).isEqualTo(expected);
  }

  private static List<Path> temporaryFiles(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(AtomicFile::isTemporary).toList();
    }
  }
}
