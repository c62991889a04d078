package dev.surveil.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.surveil.protocol.CommitId;
import dev.surveil.testing.FailingFolder;
import dev.surveil.testing.FakeTicker;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultStoreTest {
  private static final CommitId COMMIT = new CommitId("0123456789abcdef0123456789abcdef01234567");

  @TempDir
  Path dir;

  @Test
  void storesTheReportByteForByteUnderTheCommitId() throws Exception {
    ResultStore store = new ResultStore(dir.resolve("test_results"));
    String report = "line one: with colons\nline two\n\u00e9\u6f22\n" + "x".repeat(5000);
    assertThat(store.store(COMMIT, report)).isTrue();
    Path file = dir.resolve("test_results").resolve(COMMIT.value());
    assertThat(Files.readString(file)).isEqualTo(report);
    assertThat(store.has(COMMIT)).isTrue();
  }

  @Test
  void writesResultFilesWithThePermissionsAnyToolGetsFromTheUmask() throws Exception {
    ResultStore store = new ResultStore(dir);
    Path byAnyTool = Files.createFile(dir.resolve("made-like-any-tool")); // 0666 & ~umask

    assertThat(store.store(COMMIT, "report")).isTrue();

    assertThat(Files.getPosixFilePermissions(dir.resolve(COMMIT.value())))
        .isEqualTo(Files.getPosixFilePermissions(byAnyTool));
  }

  @Test
  void neverOverwritesAnExistingResult() throws Exception {
    ResultStore store = new ResultStore(dir);
    assertThat(store.store(COMMIT, "first")).isTrue();
    assertThat(store.store(COMMIT, "second")).isFalse();
    assertThat(Files.readString(dir.resolve(COMMIT.value()))).isEqualTo("first");
  }

  @Test
  void leavesNoTemporaryFilesAndCleansUpThoseACrashLeft() throws Exception {
    Files.writeString(dir.resolve(".incoming-123.tmp"), "half a report");
    ResultStore store = new ResultStore(dir);
    store.store(COMMIT, "report");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).extracting(p -> p.getFileName().toString())
          .containsExactly(COMMIT.value());
    }
  }

  @Test
  void ofResultsForOneCommitArrivingTogetherExactlyOneIsStored() throws Exception {
    ResultStore store = new ResultStore(dir);
    int senders = 8;
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(senders);
    try {
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      java.util.List<java.util.concurrent.Future<Boolean>> stored = new java.util.ArrayList<>();
      for (int i = 0; i < senders; i++) {
        String report = "report " + i + "\n" + "x".repeat(100_000);
        stored.add(pool.submit(() -> {
          go.await();
          return store.store(COMMIT, report);
        }));
      }
      go.countDown();
      int winners = 0;
      for (java.util.concurrent.Future<Boolean> result : stored) {
        winners += result.get(30, java.util.concurrent.TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(winners).isEqualTo(1);
      assertThat(Files.readString(dir.resolve(COMMIT.value())))
          .matches("(?s)report \\d\n x{100000}".replace(" x", "x"));
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(files).hasSize(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aStoreThatFailsNamesTheResultFileAndTheReasonAndLeavesNothingBehind() throws Exception {
    try (FailingFolder folder = FailingFolder.create(dir.resolve("test_results"))) {
      StorageHealth health = new StorageHealth(folder.path(), new FakeTicker());
      ResultStore store = new ResultStore(folder.path(), health);
      folder.startFailing();

      assertThatThrownBy(() -> store.store(COMMIT, "report\n".repeat(1_000)))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageStartingWith("cannot write result " + folder.path().resolve(COMMIT.value())
              + ": " + folder.reason());
      assertThat(health.isHealthy()).isFalse();
      assertThat(store.has(COMMIT)).isFalse();
      assertThat(names(folder.path())).noneMatch(name -> name.startsWith(".incoming-"));

      folder.stopFailing();
      assertThat(store.store(COMMIT, "report")).isTrue();
      assertThat(health.isHealthy()).isTrue();
    }
  }

  @Test
  void theProbeWritesLikeAStoreAndSaysWhetherTheFolderWouldTakeAResult() throws Exception {
    try (FailingFolder folder = FailingFolder.create(dir.resolve("test_results"))) {
      StorageHealth health = new StorageHealth(folder.path(), new FakeTicker());
      ResultStore store = new ResultStore(folder.path(), health);
      folder.startFailing();

      assertThatThrownBy(store::probe).hasMessageStartingWith("cannot write probe file "
          + folder.path().resolve(".incoming-probe")).hasMessageContaining(folder.reason());
      assertThat(health.isHealthy()).isFalse();

      folder.stopFailing();
      store.probe();
      assertThat(health.isHealthy()).isTrue();
      assertThat(names(folder.path())).noneMatch(name -> name.startsWith(".incoming-"));
    }
  }

  private static List<String> names(Path folder) throws Exception {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(file -> file.getFileName().toString()).sorted().toList();
    }
  }
}
