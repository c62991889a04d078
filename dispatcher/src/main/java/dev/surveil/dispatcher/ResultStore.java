package dev.surveil.dispatcher;

import dev.surveil.protocol.CommitId;
import dev.surveil.storage.AtomicFile;
import dev.surveil.storage.FileProblem;
import dev.surveil.time.Ticker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code test_results/} folder: one file per commit, named by the commit id, holding the
 * report byte for byte as the runner sent it, readable as the umask allows (like any tool's
 * files). A file is created by {@link AtomicFile#createIfAbsent}: written to a temporary name,
 * forced to disk and then hard-linked into place, so it is never seen half-written, and it is
 * never overwritten: creating a link fails when the name exists, atomically, so two results for
 * one commit arriving at once need no lock and results for different commits are stored in
 * parallel. Every store tells the
 * {@link StorageHealth} whether the folder took it. Thread-safe.
 */
final class ResultStore {
  /** How much a {@link #probe()} writes: a couple of pages, as a small report would. */
  static final int PROBE_BYTES = 8 * 1024;
  private static final Logger log = LoggerFactory.getLogger(ResultStore.class);

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
    for (Path leftover : AtomicFile.removeLeftovers(this.dir)) {
      log.info("removed an unfinished result file {}", leftover.getFileName());
    }
  }

  /** A store whose health nobody watches: for tests. */
  ResultStore(Path dir) throws IOException {
    this(dir, new StorageHealth(dir, Ticker.SYSTEM));
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
      return false; // says nothing of the disk's health: nothing was written
    }
    try {
      boolean stored = new AtomicFile(target)
          .createIfAbsent(StandardCharsets.UTF_8.encode(report));
      health.worked();
      return stored;
    } catch (IOException e) {
      IOException failure = FileProblem.failure("write result", target, e);
      health.failed(failure.getMessage());
      throw new UncheckedIOException(failure.getMessage(), failure);
    }
  }

  /**
   * Writes a few KiB to a new temporary file, as a store does, forces it to disk and deletes it:
   * whether the folder would take a result now. Tells the {@link StorageHealth} either way.
   *
   * @throws IOException naming the file, the operation and the system's reason
   */
  void probe() throws IOException {
    try {
      AtomicFile.probe(dir, PROBE_BYTES);
      health.worked();
    } catch (IOException e) {
      health.failed(e.getMessage());
      throw e;
    }
  }
}
