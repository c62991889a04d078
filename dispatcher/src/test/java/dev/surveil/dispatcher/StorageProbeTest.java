package dev.surveil.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.surveil.testing.FailingFolder;
import dev.surveil.testing.FakeTicker;
import dev.surveil.testing.LiveThreads;
import dev.surveil.testing.LogRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageProbeTest {
  private static final Duration INTERVAL = Duration.ofMillis(20);

  @TempDir
  Path dir;

  @Test
  void findsByItselfThatTheFolderCanBeWrittenAgain() throws Exception {
    try (FailingFolder folder = FailingFolder.create(dir.resolve("test_results"))) {
      StorageHealth health = new StorageHealth(folder.path(), new FakeTicker());
      ResultStore store = new ResultStore(folder.path(), health);
      try (LogRecorder probes = LogRecorder.record(StorageProbe.class.getName(), Level.DEBUG);
          StorageProbe probe = new StorageProbe(store, health, INTERVAL)) {
        probe.start();
        folder.startFailing();
        health.failed("cannot write result " + folder.path() + "/abcd: " + folder.reason());

        // probes fail for a good many intervals, and the folder stays failing
        await().atMost(Duration.ofSeconds(5))
            .until(() -> probes.linesStartingWith("DEBUG probe failed").size() >= 5);
        assertThat(health.isHealthy()).isFalse();

        folder.stopFailing();
        await().atMost(Duration.ofSeconds(10)).until(health::isHealthy);
      }
      try (Stream<Path> files = Files.list(folder.path())) {
        assertThat(files).isEmpty(); // every probe file was deleted
      }
    }
  }

  @Test
  void writesNothingWhileTheFolderIsHealthy() throws Exception {
    Path results = Files.createDirectories(dir.resolve("test_results"));
    StorageHealth health = new StorageHealth(results, new FakeTicker());
    ResultStore store = new ResultStore(results, health);
    Files.setLastModifiedTime(results, java.nio.file.attribute.FileTime.fromMillis(0));
    try (StorageProbe probe = new StorageProbe(store, health, INTERVAL)) {
      probe.start();
      // asleep until the folder fails: it wrote nothing before and will write nothing now
      await().atMost(Duration.ofSeconds(5))
          .until(() -> LiveThreads.waitingIn("dispatcher-storage-probe", "awaitFailing"));
      assertThat(Files.getLastModifiedTime(results).toMillis()).isZero();
    }
  }
}
