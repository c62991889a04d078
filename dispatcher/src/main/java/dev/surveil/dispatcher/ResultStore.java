package dev.surveil.dispatcher;

import dev.surveil.protocol.CommitId;
import dev.surveil.storage.FileProblem;
import dev.surveil.time.Ticker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code test_results/} folder: one file per commit, named by the commit id, holding the
 * report byte for byte as the runner sent it, readable as the umask allows (like any tool's
 * files). A file is written to a temporary name, forced to disk and then hard-linked into place,
 * so it is never seen half-written, and it is never overwritten: creating a link fails when the
 * name exists, atomically, so two results for one commit arriving at once need no lock and
 * results for different commits are stored in parallel. Every store tells the
 * {@link StorageHealth} whether the folder took it. Thread-safe.
 */
final class ResultStore {
  /** How much a {@link #probe()} writes: a couple of pages, as a small report would. */
  static final int PROBE_BYTES = 8 * 1024;
  private static final Logger log = LoggerFactory.getLogger(ResultStore.class);
  private static final String TEMP_PREFIX = ".incoming-";
  /** The probe's temporary files are named as a result's would be for this name: not hex. */
  private static final String PROBE_NAME = "probe";

  private final Path dir;
  private final StorageHealth health;

  /**
   * Opens (creating if needed) the results folder and removes temporary files a crash left;
   * whether each later store works goes to {@code health}.
   *
   * @throws IOException naming the operation, the file and the system's reason
   */
  ResultStore(Path dir, StorageHealth health) throws IOException {
    this.dir = dir.toAbsolutePath().normalize();
    this.health = health;
    try {
      Files.createDirectories(this.dir);
    } catch (IOException e) {
      throw FileProblem.failure("create folder", this.dir, e);
    }
    for (Path leftover : leftovers(this.dir)) {
      try {
        Files.deleteIfExists(leftover);
      } catch (IOException e) {
        throw FileProblem.failure("remove unfinished result file", leftover, e);
      }
      log.info("removed an unfinished result file {}", leftover.getFileName());
    }
  }

  /** A store whose health nobody watches: for tests. */
  ResultStore(Path dir) throws IOException {
    this(dir, new StorageHealth(dir, Ticker.SYSTEM));
  }

  private static List<Path> leftovers(Path dir) throws IOException {
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, TEMP_PREFIX + "*")) {
      files.forEach(found::add);
    } catch (DirectoryIteratorException e) {
      throw FileProblem.failure("list folder", dir, e.getCause());
    } catch (IOException e) {
      throw FileProblem.failure("list folder", dir, e);
    }
    return found;
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
   * @throws UncheckedIOException if the file cannot be written, naming the result file, what
   *     could not be done and the system's reason; nothing is stored then
   */
  boolean store(CommitId commit, String report) {
    Path target = fileFor(commit);
    if (Files.exists(target)) {
      return false;
    }
    Path temp = null;
    try {
      temp = createTemporary(commit.value());
      writeAndForce(temp, StandardCharsets.UTF_8.encode(report));
      boolean linked = link(target, temp);
      health.worked();
      return linked;
    } catch (IOException e) {
      IOException failure = FileProblem.failure("write result", target, e);
      health.failed(failure.getMessage());
      throw new UncheckedIOException(failure.getMessage(), failure);
    } finally {
      deleteQuietly(temp);
    }
  }

  /**
   * Writes a few KiB to a new temporary file, as a store does, forces it to disk and deletes it:
   * whether the folder would take a result now. Tells the {@link StorageHealth} either way.
   *
   * @throws IOException naming the file, the operation and the system's reason
   */
  void probe() throws IOException {
    Path temp = null;
    try {
      temp = createTemporary(PROBE_NAME);
      writeAndForce(temp, ByteBuffer.allocate(PROBE_BYTES));
      Files.delete(temp);
      temp = null;
      health.worked();
    } catch (IOException e) {
      String problem = FileProblem.describe("write probe file",
          temp != null ? temp : dir.resolve(TEMP_PREFIX + PROBE_NAME), e);
      health.failed(problem);
      throw new IOException(problem, e);
    } finally {
      deleteQuietly(temp);
    }
  }

  private static void writeAndForce(Path file, ByteBuffer bytes) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      channel.force(true);
    }
  }

  /** Links {@code temp} as {@code target}; false if another result got there first. */
  private boolean link(Path target, Path temp) throws IOException {
    try {
      Files.createLink(target, temp);
    } catch (FileAlreadyExistsException e) {
      return false;
    }
    JournalFile.forceDirectory(dir);
    return true;
  }

  /**
   * Creates a new temporary file with the permissions the umask leaves, as any tool's files
   * ({@code Files.createTempFile} would make it readable by its owner only).
   */
  private Path createTemporary(String name) throws IOException {
    while (true) {
      Path file = dir.resolve(TEMP_PREFIX + name + "-"
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
      log.warn("{}", FileProblem.describe("remove temporary file", temp, e));
    }
  }
}
