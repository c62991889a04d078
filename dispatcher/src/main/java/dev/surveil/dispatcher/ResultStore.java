package dev.surveil.dispatcher;

import dev.surveil.protocol.CommitId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code test_results/} folder: one file per commit, named by the commit id, holding the
 * report byte for byte as the runner sent it, readable as the umask allows (like any tool's
 * files). A file is written to a temporary name, forced to disk and then hard-linked into place,
 * so it is never seen half-written, and it is never overwritten: creating a link fails when the
 * name exists, atomically, so two results for one commit arriving at once need no lock and
 * results for different commits are stored in parallel. Thread-safe.
 */
final class ResultStore {
  private static final Logger log = LoggerFactory.getLogger(ResultStore.class);
  private static final String TEMP_PREFIX = ".incoming-";

  private final Path dir;

  /** Opens (creating if needed) the results folder and removes temporary files a crash left. */
  ResultStore(Path dir) throws IOException {
    this.dir = dir.toAbsolutePath().normalize();
    Files.createDirectories(this.dir);
    try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(this.dir, TEMP_PREFIX + "*")) {
      for (Path leftover : leftovers) {
        Files.deleteIfExists(leftover);
        log.info("removed an unfinished result file {}", leftover.getFileName());
      }
    }
  }

  /** The folder results are written to. */
  Path dir() {
    return dir;
  }

  /** The file holding {@code commit}'s result (which may not exist yet). */
  Path fileFor(CommitId commit) {
    // A CommitId is only hex digits, so this cannot leave the folder.
    return dir.resolve(commit.value());
  }

  boolean has(CommitId commit) {
    return Files.exists(fileFor(commit));
  }

  /**
   * Stores a report unless the commit already has one.
   *
   * @return true if stored, false if a result already existed (the new one is dropped)
   * @throws UncheckedIOException if the file cannot be written; nothing is stored then
   */
  boolean store(CommitId commit, String report) {
    Path target = fileFor(commit);
    if (Files.exists(target)) {
      return false;
    }
    Path temp = null;
    try {
      temp = createTemporary(commit);
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(report);
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
        channel.force(true);
      }
      try {
        Files.createLink(target, temp);
      } catch (FileAlreadyExistsException e) {
        return false; // another result for this commit got there first
      }
      JournalFile.forceDirectory(dir);
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write result " + target + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(temp);
    }
  }

  /**
   * Creates a new temporary file with the permissions the umask leaves, as any tool's files
   * ({@code Files.createTempFile} would make it readable by its owner only).
   */
  private Path createTemporary(CommitId commit) throws IOException {
    while (true) {
      Path file = dir.resolve(TEMP_PREFIX + commit.value() + "-"
          + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
      try {
        return Files.createFile(file);
      } catch (FileAlreadyExistsException e) {
        log.debug("temporary name={} taken; drawing another", file.getFileName());
      }
    }
  }

  private static void deleteQuietly(Path temp) {
    if (temp == null) {
      return;
    }
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      log.warn("cannot remove temporary file {}: {}", temp, e.toString());
    }
  }
}
