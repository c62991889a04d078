package dev.surveil.observer;

import dev.surveil.protocol.CommitId;
import dev.surveil.storage.FileProblem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The observer's state file, {@code surveil-observer-state} in its clone's {@code .git} folder:
 * the last commit the dispatcher acknowledged, as one commit id and a newline, so that a
 * restarted observer resumes after it. A write goes to a temporary file beside it, is forced to
 * disk and renamed over it, so a crash leaves the old content or the new, never a mix. Not
 * thread-safe: {@link ObserverService} reads and writes it under its poll lock.
 */
final class ObserverStateFile {
  /** The file's name in the clone's {@code .git} folder. */
  static final String NAME = "surveil-observer-state";
  private static final Logger log = LoggerFactory.getLogger(ObserverStateFile.class);
  /** A commit id is at most 64 characters; anything much longer is not a state file. */
  private static final long MAX_BYTES = 256;

  private final Path file;
  private final Path temp;

  /** The state file of the repository whose {@code .git} folder is {@code gitDir}. */
  ObserverStateFile(Path gitDir) {
    this.file = gitDir.resolve(NAME);
    // A fixed name: a temporary file left by a crash is overwritten by the next write.
    this.temp = gitDir.resolve(NAME + ".tmp");
  }

  Path path() {
    return file;
  }

  /**
   * The commit the file names. Empty if there is no file, or, with one WARN line, if it cannot be
   * read or does not hold a commit id: a damaged file counts as no file.
   */
  Optional<CommitId> read() {
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
    ByteBuffer bytes = StandardCharsets.UTF_8.encode(commit.value() + "\n");
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE,
          StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
        channel.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw FileProblem.failure("write state file", file, e);
    }
    forceDirectory();
    log.debug("state file={} commit={}", file, commit);
  }

  /** Forces the rename to disk too; where a folder cannot be opened (not Linux), skips it. */
  private void forceDirectory() {
    try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      log.debug("cannot force folder={}: {}", file.getParent(), e.toString());
    }
  }
}
