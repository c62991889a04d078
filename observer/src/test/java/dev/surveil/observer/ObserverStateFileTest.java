package dev.surveil.observer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import dev.surveil.protocol.CommitId;
import dev.surveil.testing.FailingFolder;
import dev.surveil.testing.LogRecorder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state file on its own, in a temporary folder standing for a clone's {@code .git}. */
class ObserverStateFileTest {
  private static final CommitId COMMIT = new CommitId("3f786850e387550fdab836ed7e6dc881de23001b");

  @TempDir
  Path gitDir;
  private LogRecorder logs;
  private ObserverStateFile file;

  @BeforeEach
  void setUp() {
    logs = LogRecorder.record("dev.surveil.observer");
    file = new ObserverStateFile(gitDir);
  }

  @AfterEach
  void tearDown() {
    logs.close();
  }

  @Test
  void writesOneCommitIdAndANewlineAndReadsItBack() throws Exception {
    file.write(new CommitId("abcd1234".repeat(5)));
    file.write(COMMIT);

    assertThat(gitDir.resolve("surveil-observer-state")).hasContent(COMMIT.value() + "\n");
    assertThat(file.read()).contains(COMMIT);
    try (var entries = Files.list(gitDir)) {
      assertThat(entries).containsExactly(file.path());
    }
  }

  @Test
  void missingFileIsEmptyWithoutAWarning() {
    assertThat(file.read()).isEmpty();
    assertThat(logs.messages(Level.WARN)).isEmpty();
  }

  @Test
  void fileThatIsNotACommitIdIsEmptyWithOneWarning() throws Exception {
    Files.writeString(file.path(), "");

    assertThat(file.read()).isEmpty();
    assertThat(logs.messages(Level.WARN)).containsExactly("state file " + file.path()
        + " is damaged (not a full commit id (40 or 64 hex characters): ''); ignoring it and starting as a"
        + " fresh observer");
  }

  @Test
  void oversizedFileIsNotReadAndIsEmptyWithOneWarning() throws Exception {
    Files.writeString(file.path(), COMMIT.value().repeat(10));

    assertThat(file.read()).isEmpty();
    assertThat(logs.messages(Level.WARN)).singleElement().asString()
        .contains("is damaged (longer than 256 bytes)");
  }

  @Test
  void aWriteThatFailsSaysWhichFileAndWhyAndKeepsTheOldContent() throws Exception {
    try (FailingFolder folder = FailingFolder.create(gitDir.resolve("clone.git"))) {
      ObserverStateFile state = new ObserverStateFile(folder.path());
      state.write(new CommitId("abcd1234".repeat(5)));
      folder.startFailing();

      assertThatThrownBy(() -> state.write(COMMIT)).isInstanceOf(IOException.class)
          .hasMessageStartingWith("cannot write state file " + state.path() + ": "
              + folder.reason());

      assertThat(state.read()).contains(new CommitId("abcd1234".repeat(5)));
    }
  }

  @Test
  void temporaryFileLeftByACrashIsRemovedWhenTheFileIsRead() throws Exception {
    Path leftover = gitDir.resolve(".incoming-surveil-observer-state-123.tmp");
    Files.writeString(leftover, "half a com");
    file.write(COMMIT);

    assertThat(file.read()).contains(COMMIT);
    assertThat(leftover).doesNotExist();
  }
}
