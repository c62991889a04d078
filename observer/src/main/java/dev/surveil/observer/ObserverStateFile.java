package dev.surveil.observer;

import dev.surveil.protocol.CommitId;
import dev.surveil.storage.AtomicFile;
import dev.surveil.storage.FileProblem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The observer's state file, {@code surveil-observer-state} in its clone's {@code .git} folder:
 * the last commit the dispatcher acknowledged, as one commit id and a newline, so that a
 * restarted observer resumes after it. It is written as an {@link AtomicFile} (a temporary file
 * beside it, forced to disk and renamed over it), so a crash leaves the old content or the new,
 * never a mix. Not
 * thread-safe: {@link ObserverService} reads and writes it under its poll lock.
 */
final class ObserverStateFile {
  /** The file's name in the clone's {@code .git} folder. */
  static final String NAME = "surveil-observer-state";
  private static final Logger log = LoggerFactory.getLogger(ObserverStateFile.class);
  /** A commit id is at most 64 characters; anything much longer is not a state file. */
  private static final long MAX_BYTES = 256;

  private final Path file;

  /** The state file of the repository whose {@code .git} folder is {@code gitDir}. */
  ObserverStateFile(Path gitDir) {
    this.file = gitDir.resolve(NAME);
  }

  Path path() {
    return file;
  }

  /**
   * The commit the file names, after removing the temporary file a crash during a write may have
   * left. Empty if there is no file, or, with one WARN line, if it cannot be
   * read or does not hold a commit id: a damaged file counts as no file.
   */
  Optional<CommitId> read() {
    try {
      new AtomicFile(file).removeLeftovers();
    } catch (IOException e) {
      log.warn("{}", e.getMessage()); // a stray temporary file harms nothing
    }
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    String text;
    try {
      if (Files.size(file) > MAX_BYTES) {
        warnDamaged("longer than " + MAX_BYTES + " bytes");
        return Optional.empty();
      }
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      warnDamaged(FileProblem.describe("read", file, e));
      return Optional.empty();
    }
    try {
      return Optional.of(new CommitId(text.strip()));
    } catch (IllegalArgumentException e) {
      warnDamaged(e.getMessage());
      return Optional.empty();
    }
  }

  private void warnDamaged(String reason) {
    log.warn("state file {} is damaged ({}); ignoring it and starting as a fresh observer", file,
        reason);
  }

  /**
   * Replaces the file's content with {@code commit}, durably and atomically.
   *
   * @throws IOException naming the file, the operation and the system's reason; the file keeps
   *     its old content then
   */
  void write(CommitId commit) throws IOException {
    try {
      new AtomicFile(file).replace(StandardCharsets.UTF_8.encode(commit.value() + "\n"));
    } catch (IOException e) {
      throw FileProblem.failure("write state file", file, e);
    }
    log.debug("state file={} commit={}", file, commit);
  }
}
