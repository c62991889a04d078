package dev.surveil.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileProblemTest {
  private static final Path JOURNAL = Path.of("/srv/results/.surveil-journal");

  @TempDir
  Path dir;

  @Test
  void namesTheOperationTheFileAndTheSystemsReason() {
    IOException full = new IOException("No space left on device");

    assertThat(FileProblem.describe("write journal", JOURNAL, full))
        .isEqualTo("cannot write journal /srv/results/.surveil-journal: No space left on device");
  }

  @Test
  void givesBackTheReasonTheJdkKeepsInTheExceptionsType() {
    assertThat(FileProblem.reason(new AccessDeniedException("/x"))).isEqualTo("Permission denied");
    assertThat(FileProblem.reason(new NoSuchFileException("/x")))
        .isEqualTo("No such file or directory");
    assertThat(FileProblem.reason(new FileSystemException("/x", null, "Read-only file system")))
        .isEqualTo("Read-only file system");
  }

  @Test
  void namesTheFileTheSystemFailedOnWhenItIsAnother() {
    Path result = Path.of("/srv/results/abc");
    IOException denied = new AccessDeniedException("/srv/results/.incoming-abc-1.tmp");

    assertThat(FileProblem.describe("write result", result, denied)).isEqualTo(
        "cannot write result /srv/results/abc: Permission denied"
            + " (at /srv/results/.incoming-abc-1.tmp)");
  }

  @Test
  void describesARealFailureOfTheJdk() {
    Path missing = dir.resolve("gone").resolve("file");
    IOException e = null;
    try {
      Files.createFile(missing);
    } catch (IOException thrown) {
      e = thrown;
    }

    assertThat(FileProblem.describe("create", missing, e))
        .isEqualTo("cannot create " + missing + ": No such file or directory");
    assertThat(FileProblem.describe(e)).isEqualTo(missing + ": No such file or directory");
  }

  @Test
  void aFailureSaysEverythingAndIsDescribedAsItIs() {
    IOException failure = FileProblem.failure("create lock file", JOURNAL,
        new AccessDeniedException(JOURNAL.toString()));

    assertThat(failure).hasMessage(
        "cannot create lock file /srv/results/.surveil-journal: Permission denied");
    assertThat(FileProblem.describe(failure)).isEqualTo(failure.getMessage());
    assertThat(failure.getCause()).isInstanceOf(AccessDeniedException.class);
  }
}
