package dev.surveil.runner;

import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Results;
import dev.surveil.storage.AtomicFile;
import dev.surveil.storage.FileProblem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reports the runner has not yet delivered, oldest first: one file per commit, named by the
 * commit id, in a folder that survives restarts ({@code .git/surveil-outbox} of the runner's
 * clone). A report is written as an {@link AtomicFile} (a temporary file, forced to disk and
 * renamed into place), so a killed runner leaves either the whole report or none. The reports are also kept in memory, so a
 * report whose file cannot be written is still delivered while the runner runs. Thread-safe.
 */
final class ReportOutbox {
  private static final Logger log = LoggerFactory.getLogger(ReportOutbox.class);

  private final Path folder;
  private final Map<CommitId, Results> reports; // guarded by this; insertion order = age

  private ReportOutbox(Path folder, Map<CommitId, Results> reports) {
    this.folder = folder;
    this.reports = reports;
  }

  /**
   * Opens the outbox in {@code folder}, creating it if needed: removes temporary files a killed
   * runner left and loads every report, oldest file first.
   *
   * @throws IOException if the folder cannot be created or listed, or a temporary file removed;
   *     the message names the operation, the file and the system's reason
   */
  static ReportOutbox open(Path folder) throws IOException {
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw FileProblem.failure("create outbox folder", folder, e);
    }
    AtomicFile.removeLeftovers(folder);
    List<Path> files = new ArrayList<>();
    for (Path file : list(folder)) {
      if (!file.getFileName().toString().startsWith(".")) { // no commit id starts with a dot
        files.add(file);
      }
    }
    files.sort(Comparator.comparing(ReportOutbox::modified).thenComparing(Path::getFileName));
    Map<CommitId, Results> reports = new LinkedHashMap<>();
    for (Path file : files) {
      Results results = load(file);
      if (results != null) {
        reports.put(results.commit(), results);
      }
    }
    if (!reports.isEmpty()) {
      log.info("found {} undelivered report(s) in {}", reports.size(), folder);
    }
    return new ReportOutbox(folder, reports);
  }

  private static List<Path> list(Path folder) throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
      entries.forEach(files::add);
    } catch (DirectoryIteratorException e) {
      throw FileProblem.failure("list outbox folder", folder, e.getCause());
    } catch (IOException e) {
      throw FileProblem.failure("list outbox folder", folder, e);
    }
    return files;
  }

  private static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  private static Results load(Path file) {
    String name = file.getFileName().toString();
    try {
      return new Results(new CommitId(name), Files.readString(file, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      log.warn("ignoring {}: not named by a commit id", file);
    } catch (IOException e) {
      log.warn("ignoring a report: {}", FileProblem.describe("read report", file, e));
    }
    return null;
  }

  /** The folder the reports are kept in. */
  Path folder() {
    return folder;
  }

  /**
   * Keeps {@code results} until {@link #remove} (replacing an older report of the same commit,
   * which then counts as the newest). If the file cannot be written, logs an ERROR and keeps the
   * report in memory only.
   */
  synchronized void put(Results results) {
    reports.remove(results.commit());
    reports.put(results.commit(), results);
    try {
      write(results);
    } catch (IOException e) {
      log.error("{}; keeping the report of commit {} in memory only (a restart would lose it)",
          FileProblem.describe("write report", folder.resolve(results.commit().value()), e),
          results.commit());
    }
  }

  private void write(Results results) throws IOException {
    new AtomicFile(folder.resolve(results.commit().value()))
        .replace(StandardCharsets.UTF_8.encode(results.report()));
  }

  /** The oldest report, if any. */
  synchronized Optional<Results> oldest() {
    return reports.values().stream().findFirst();
  }

  /** Every report waiting for delivery, oldest first: a copy. */
  synchronized List<Results> reports() {
    return List.copyOf(reports.values());
  }

  /** Whether the report of {@code commit} waits for delivery. */
  synchronized boolean holds(CommitId commit) {
    return reports.containsKey(commit);
  }

  /** Whether every report has been delivered. */
  synchronized boolean isEmpty() {
    return reports.isEmpty();
  }

  /** How many reports wait for delivery. */
  synchronized int size() {
    return reports.size();
  }

  /**
   * Forgets {@code delivered} and deletes its file, unless a newer report of the same commit
   * replaced it meanwhile (that one is still to be delivered).
   */
  synchronized void remove(Results delivered) {
    if (reports.get(delivered.commit()) != delivered) {
      return;
    }
    reports.remove(delivered.commit());
    Path file = folder.resolve(delivered.commit().value());
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // delivering it again after a restart is harmless: the dispatcher keeps the first result
      log.warn("{}", FileProblem.describe("delete delivered report", file, e));
    }
  }
}
