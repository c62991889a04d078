package dev.surveil.dispatcher;

import dev.surveil.storage.AtomicFile;
import dev.surveil.storage.FileProblem;
import dev.surveil.time.Ticker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher's journal on disk: a text file of {@link PoolChange} lines, one per change,
 * appended and forced to disk before the dispatcher acknowledges a commit. It is rewritten as a
 * snapshot of the live state at start-up and whenever it has grown to several times that, so it
 * does not grow without bound. Every write that fails is reported to the {@link StorageHealth}
 * and thrown, naming the file, the operation and the system's reason. Thread-safe.
 *
 * <p>A crash can leave the last line cut short; {@link #open} drops such a line, and so does the
 * next append after a write that failed half-way (a full disk): the file only ever gains whole
 * lines. A line that cannot be parsed anywhere else means the file was damaged; it is skipped
 * with a warning. A rewrite that fails (a full disk again) leaves the old file as it was, and
 * appends go on into it.
 */
final class JournalFile implements Journal, AutoCloseable {
  /** The journal's name in the results folder; the leading dot keeps it out of {@code ls}. */
  static final String NAME = ".surveil-journal";
  private static final Logger log = LoggerFactory.getLogger(JournalFile.class);
  /** Below this many lines a journal is never rewritten, whatever the pool's size. */
  private static final int MIN_COMPACTION_LINES = 1_000;

  private final Path file;
  private final List<PoolChange> recovered;
  private final StorageHealth health;
  private volatile FileChannel channel; // replaced by compact(); guarded by this for writes
  private int lines; // guarded by this
  private long length; // guarded by this: the bytes of the whole lines in the file
  private boolean torn; // guarded by this: the file may hold more than its whole lines

  private JournalFile(Path file, Recovered read, StorageHealth health) throws IOException {
    this.file = file;
    this.recovered = List.copyOf(read.changes());
    this.health = health;
    this.lines = read.changes().size();
    this.length = read.length();
    try {
      this.channel = openForAppend(file);
      this.torn = channel.size() != length;
    } catch (IOException e) {
      throw FileProblem.failure("open journal", file, e);
    }
  }

  /** What a journal file held: its changes, and the bytes of its whole lines. */
  private record Recovered(List<PoolChange> changes, long length) {}

  /** Opens (creating if needed) the journal in {@code dir}, for tests: no one watches it. */
  static JournalFile open(Path dir) throws IOException {
    return open(dir, new StorageHealth(dir, Ticker.SYSTEM));
  }

  /**
   * Opens (creating if needed) the journal in {@code dir} and reads what it holds; every later
   * write that fails is reported to {@code health}.
   *
   * @throws IOException naming the operation, the file and the system's reason
   */
  static JournalFile open(Path dir, StorageHealth health) throws IOException {
    Path file = dir.resolve(NAME);
    Recovered read = new Recovered(List.of(), 0);
    if (Files.exists(file)) {
      try {
        read = read(file);
      } catch (IOException e) {
        throw FileProblem.failure("read journal", file, e);
      }
    }
    return new JournalFile(file, read, health);
  }

  /** The changes the file held when it was opened, oldest first. */
  List<PoolChange> recovered() {
    return recovered;
  }

  Path file() {
    return file;
  }

  private static Recovered read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    int whole = 0; // the bytes up to and with the last newline
    for (int i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i] == '\n') {
        whole = i + 1;
        break;
      }
    }
    List<PoolChange> changes = new ArrayList<>();
    String text = new String(bytes, 0, whole, StandardCharsets.UTF_8);
    for (String line : text.isEmpty() ? new String[0] : text.split("\n")) {
      try {
        changes.add(PoolChange.parse(line));
      } catch (IllegalArgumentException e) {
        log.warn("journal {} has a damaged line; skipping it: {}", file, e.getMessage());
      }
    }
    if (whole < bytes.length) {
      log.warn("journal {} ends in a line cut short by a crash; dropping it: '{}'", file,
          new String(bytes, whole, bytes.length - whole, StandardCharsets.UTF_8));
    }
    return new Recovered(changes, whole);
  }

  @Override
  public synchronized void append(PoolChange change) {
    ByteBuffer bytes = StandardCharsets.UTF_8.encode(change.format() + "\n");
    int size = bytes.remaining();
    try {
      if (torn) {
        channel.truncate(length); // what a failed append left: never part of a line
        torn = false;
      }
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
    } catch (IOException e) {
      torn = true; // part of the line may be in the file
      throw failure("write journal", e);
    }
    length += size;
    lines++;
  }

  @Override
  public void sync() {
    // Not synchronized: appends go on while the disk catches up. A channel closed by compact()
    // was replaced by one forced before it became the journal.
    try {
      channel.force(false);
    } catch (ClosedChannelException e) {
      log.debug("journal channel replaced while syncing; the rewrite was forced");
    } catch (IOException e) {
      throw failure("sync journal", e);
    }
  }

  @Override
  public synchronized boolean wantsCompaction(int liveChanges) {
    return lines > Math.max(MIN_COMPACTION_LINES, 4L * liveChanges);
  }

  /**
   * Writes the snapshot to a new file through the channel that will append to it, forces it and
   * renames it over the journal: the channel follows the file, so there is nothing to reopen
   * after the rename, and a failure before it leaves the old journal and its channel as they
   * were (the new file is deleted, giving back its space).
   */
  @Override
  public synchronized void compact(List<PoolChange> snapshot) {
    StringBuilder text = new StringBuilder();
    snapshot.forEach(change -> text.append(change.format()).append('\n'));
    ByteBuffer bytes = StandardCharsets.UTF_8.encode(text.toString());
    long size = bytes.remaining();
    FileChannel replacement;
    try {
      replacement = new AtomicFile(file).replaceAndOpen(bytes);
    } catch (IOException e) {
      throw failure("rewrite journal", e);
    }
    FileChannel old = channel;
    channel = replacement;
    lines = snapshot.size();
    length = size;
    torn = false;
    closeQuietly(old);
  }

  private UncheckedIOException failure(String operation, IOException e) {
    IOException failure = FileProblem.failure(operation, file, e);
    health.failed(failure.getMessage());
    return new UncheckedIOException(failure.getMessage(), failure);
  }

  private static FileChannel openForAppend(Path file) throws IOException {
    return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      log.debug("closing a journal channel failed: {}", e.toString());
    }
  }

  @Override
  public synchronized void close() throws IOException {
    channel.close();
  }
}
