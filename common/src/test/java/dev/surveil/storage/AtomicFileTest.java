package dev.surveil.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
  @TempDir
  Path dir;

  @Test
  void replaceWritesTheWholeContentAndLeavesNoTemporaryFile() throws IOException {
    AtomicFile file = new AtomicFile(dir.resolve("state"));

    file.replace(UTF_8.encode("one\n"));
    file.replace(UTF_8.encode("two\n"));

    assertThat(Files.readString(file.path())).isEqualTo("two\n");
    assertThat(names()).containsExactly("state");
  }

  @Test
  void replaceAndOpenReturnsAChannelThatAppendsToTheNewFile() throws IOException {
    AtomicFile file = new AtomicFile(dir.resolve("journal"));
    file.replace(UTF_8.encode("old history\n"));

    try (FileChannel channel = file.replaceAndOpen(UTF_8.encode("snapshot\n"))) {
      channel.write(UTF_8.encode("appended\n"));
    }

    assertThat(Files.readString(file.path())).isEqualTo("snapshot\nappended\n");
  }

  @Test
  void aFailedReplaceKeepsTheOldContentAndRemovesItsTemporaryFile() throws IOException {
    Path target = dir.resolve("taken");
    Files.createDirectory(target); // a file cannot be renamed over a folder that holds a file
    Files.writeString(target.resolve("inside"), "kept");

    assertThatThrownBy(() -> new AtomicFile(target).replace(UTF_8.encode("new")))
        .isInstanceOf(IOException.class);

    assertThat(Files.readString(target.resolve("inside"))).isEqualTo("kept");
    assertThat(names()).containsExactly("taken");
  }

  @Test
  void createIfAbsentNeverOverwrites() throws IOException {
    AtomicFile file = new AtomicFile(dir.resolve("0123abcd"));

    assertThat(file.createIfAbsent(UTF_8.encode("first"))).isTrue();
    assertThat(file.createIfAbsent(UTF_8.encode("second"))).isFalse();

    assertThat(Files.readString(file.path())).isEqualTo("first");
    assertThat(names()).containsExactly("0123abcd");
  }

  @Test
  void exactlyOneOfManyRacingCreatorsWins() throws Exception {
    Path target = dir.resolve("raced");
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Boolean>> writers = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        String content = "writer " + i;
        writers.add(() -> new AtomicFile(target).createIfAbsent(UTF_8.encode(content)));
      }
      long winners = 0;
      for (Future<Boolean> result : threads.invokeAll(writers)) {
        winners += result.get() ? 1 : 0;
      }

      assertThat(winners).isEqualTo(1);
      assertThat(Files.readString(target)).startsWith("writer ");
      assertThat(names()).containsExactly("raced");
    } finally {
      threads.shutdownNow();
      assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void removeLeftoversDeletesOnlyTemporaryFiles() throws IOException {
    Files.writeString(dir.resolve(".incoming-0123abcd-1f.tmp"), "half a report");
    Files.writeString(dir.resolve(".incoming-probe-2e.tmp"), "");
    Files.writeString(dir.resolve("0123abcd"), "a whole report");
    Files.writeString(dir.resolve(".surveil-lock"), "");

    List<Path> removed = AtomicFile.removeLeftovers(dir);

    assertThat(removed).hasSize(2);
    assertThat(names()).containsExactlyInAnyOrder("0123abcd", ".surveil-lock");
  }

  @Test
  void aFileRemovesOnlyItsOwnLeftovers() throws IOException {
    Files.writeString(dir.resolve(".incoming-state-1f.tmp"), "half");
    Files.writeString(dir.resolve(".incoming-other-2e.tmp"), "half");

    assertThat(new AtomicFile(dir.resolve("state")).removeLeftovers()).hasSize(1);

    assertThat(names()).containsExactly(".incoming-other-2e.tmp");
  }

  @Test
  void probeLeavesNothingBehind() throws IOException {
    AtomicFile.probe(dir, 8 * 1024);

    assertThat(names()).isEmpty();
  }

  @Test
  void probeOfAMissingFolderNamesTheFileAndTheReason() {
    Path missing = dir.resolve("gone");

    assertThatThrownBy(() -> AtomicFile.probe(missing, 16))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("cannot write probe file " + missing.resolve(".incoming-probe"));
  }

  @Test
  void temporaryFilesAreKnownByTheirName() {
    assertThat(AtomicFile.isTemporary(dir.resolve(".incoming-x-1.tmp"))).isTrue();
    assertThat(AtomicFile.isTemporary(dir.resolve("0123abcd"))).isFalse();
  }

  private List<String> names() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(path -> path.getFileName().toString()).toList();
    }
  }
}
