package dev.surveil.dispatcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher's journal on disk: a text file of {@link PoolChange} lines, one per change,
 * appended and forced to disk before the dispatcher acknowledges a commit. It is rewritten as a
 * snapshot of the live state at start-up and whenever it has grown to several times that, so it
 * does not grow without bound. Thread-safe.
 *
 * <p>A crash can leave the last line cut short; {@link #open} drops such a line. A line that
 * cannot be parsed anywhere else means the file was damaged; it is skipped with a warning.
 */
final class JournalFile implements Journal, AutoCloseable {
  /** The journal's name in the results folder; the leading dot keeps it out of {@code ls}. */
  static final String NAME = ".surveil-journal";
  private static final Logger log = LoggerFactory.getLogger(JournalFile.class);
  /** Below this many lines a journal is never rewritten, whatever the pool's size. */
  private static final int MIN_COMPACTION_LINES = 1_000;

  private final Path file;
  private final List<PoolChange> recovered;
  private volatile FileChannel channel; // replaced by compact(); guarded by this for writes
  private int lines; // guarded by this

  private JournalFile(Path file, List<PoolChange> recovered) throws IOException {
    this.file = file;
    this.recovered = List.copyOf(recovered);
    this.lines = recovered.size();
    this.channel = openForAppend(file);
  }

  /** Opens (creating if needed) the journal in {@code dir} and reads what it holds. */
  static JournalFile open(Path dir) throws IOException {
    Path file = dir.resolve(NAME);
    List<PoolChange> changes = new ArrayList<>();
    if (Files.exists(file)) {
      changes = read(file);
    }
    return new JournalFile(file, changes);
  }

  /** The changes the file held when it was opened, oldest first. */
  List<PoolChange> recovered() {
    return recovered;
  }

  Path file() {
    return file;
  }

  private static List<PoolChange> read(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    List<PoolChange> changes = new ArrayList<>();
    int start = 0;
    int end;
    while ((end = text.indexOf('\n', start)) >= 0) {
      String line = text.substring(start, end);
      start = end + 1;
      try {
        changes.add(PoolChange.parse(line));
      } catch (IllegalArgumentException e) {
        log.warn("journal {} has a damaged line; skipping it: {}", file, e.getMessage());
      }
    }
    if (start < text.length()) {
      log.warn("journal {} ends in a line cut short by a crash; dropping it: '{}'", file,
          text.substring(start));
    }
    return changes;
  }

  @Override
  public synchronized void append(PoolChange change) {
    ByteBuffer bytes = StandardCharsets.UTF_8.encode(change.format() + "\n");
    try {
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write journal " + file + ": " + e.getMessage(), e);
    }
    lines++;
  }

  @Override
  public void sync() {
    // Not synchronized: appends go on while the disk catches up. A channel closed by compact()
    // was forced, and its replacement too, before it was closed.
    try {
      channel.force(false);
    } catch (ClosedChannelException e) {
      log.debug("journal channel replaced while syncing; the rewrite was forced");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot sync journal " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized boolean wantsCompaction(int liveChanges) {
    return lines > Math.max(MIN_COMPACTION_LINES, 4L * liveChanges);
  }

  @Override
  public synchronized void compact(List<PoolChange> snapshot) {
    Path temp = file.resolveSibling(NAME + ".tmp");
    try {
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
        StringBuilder text = new StringBuilder();
        snapshot.forEach(change -> text.append(change.format()).append('\n'));
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(text.toString());
        while (bytes.hasRemaining()) {
          out.write(bytes);
        }
        out.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
      forceDirectory(file.getParent());
      FileChannel old = channel;
      channel = openForAppend(file);
      old.close();
      lines = snapshot.size();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rewrite journal " + file + ": " + e.getMessage(), e);
    }
  }

  private static FileChannel openForAppend(Path file) throws IOException {
    return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND);
  }

  /** Makes a rename in {@code dir} durable (on Linux a directory can be opened and forced). */
  static void forceDirectory(Path dir) {
    try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
      directory.force(true);
    } catch (IOException e) {
      log.debug("cannot force directory {}: {}", dir, e.toString());
    }
  }

  @Override
  public synchronized void close() throws IOException {
    channel.close();
  }
}
