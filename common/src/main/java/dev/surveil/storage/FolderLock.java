package dev.surveil.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exclusive lock on a folder where a program keeps its durable state, so that a second start
 * of a program on the same folder is refused before it reads or rewrites anything there. It is
 * an operating-system lock ({@link FileChannel#tryLock()}) on a lock file inside the folder: the
 * system releases it when the process ends, even by {@code kill -9}, so a crash leaves no stale
 * lock behind. The file records its holder ({@code <program> pid <N>}), so a refused start can
 * say who holds it. The file itself is never deleted: deleting it would let two processes lock
 * two different files of the same name. Thread-safe; {@link #close()} is idempotent.
 *
 * <p>A process holds a POSIX lock until it closes <em>any</em> descriptor of the file, so within
 * one JVM the lock file must be opened only here: a second lock in the same JVM is refused from
 * a table of the locks this JVM holds, before the file is opened again.
 */
public final class FolderLock implements AutoCloseable {
  /**
   * The lock file's name in a clone's {@code .git} folder; the runner and the observer use the
   * same name, so neither can share a clone with another program.
   */
  public static final String CLONE_LOCK_NAME = "surveil-lock";
  private static final Logger log = LoggerFactory.getLogger(FolderLock.class);
  /** A holder line is short; more than this is not a holder line. */
  private static final int MAX_HOLDER_BYTES = 256;
  /** The locks this JVM holds, by the lock file's identity (device and inode where known). */
  private static final Map<Object, Holder> HELD = new HashMap<>(); // guarded by HELD

  private final Path file;
  private final Object key;
  private final FileChannel channel;
  private boolean closed; // guarded by HELD

  private FolderLock(Path file, Object key, FileChannel channel) {
    this.file = file;
    this.key = key;
    this.channel = channel;
  }

  /**
   * Who holds a lock: a program's name and its process id. Immutable.
   *
   * @param program the program's name, e.g. {@code dispatcher}
   * @param pid the holding process's id
   */
  public record Holder(String program, long pid) {
    /** This process, running {@code program}. */
    static Holder self(String program) {
      return new Holder(program, ProcessHandle.current().pid());
    }

    /** The holder a lock file names ({@code dispatcher pid 1234}), or empty if it names none. */
    static Optional<Holder> parse(String text) {
      String[] words = text.strip().split(" ");
      if (words.length != 3 || !words[1].equals("pid") || !words[2].matches("[0-9]{1,18}")) {
        return Optional.empty();
      }
      return Optional.of(new Holder(words[0], Long.parseLong(words[2])));
    }

    /** The line written to the lock file. */
    String format() {
      return program + " pid " + pid;
    }
  }

  /**
   * Takes the lock of {@code folder}, whose lock file is {@code lockFile} (created if missing),
   * for {@code program}, and records this process as its holder.
   *
   * @param folder the folder as the user named it, for the message of a refusal
   * @throws FolderInUseException if another process, or another holder in this JVM, has it
   * @throws IOException if the lock file cannot be created or written; its message names the
   *     operation, the file and the system's reason ({@link FileProblem})
   */
  public static FolderLock acquire(Path folder, Path lockFile, String program)
      throws IOException {
    try {
      Files.createFile(lockFile); // opens no descriptor of an existing file
    } catch (FileAlreadyExistsException e) {
      // the usual case: a lock file made by an earlier start
    } catch (IOException e) {
      throw FileProblem.failure("create lock file", lockFile, e);
    }
    Object key;
    try {
      key = identity(lockFile);
    } catch (IOException e) {
      throw FileProblem.failure("read the attributes of lock file", lockFile, e);
    }
    synchronized (HELD) {
      Holder holder = HELD.get(key);
      if (holder != null) {
        throw new FolderInUseException(folder, program, Optional.of(holder));
      }
      FolderLock acquired = lock(folder, lockFile, key, program);
      HELD.put(key, Holder.self(program));
      log.debug("locked folder={} file={}", folder, lockFile);
      return acquired;
    }
  }

  private static FolderLock lock(Path folder, Path lockFile, Object key, String program)
      throws IOException {
    FileChannel channel;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw FileProblem.failure("open lock file", lockFile, e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      // This JVM locked the file outside this class. The channel stays open: closing it would
      // release that lock too.
      throw new FolderInUseException(folder, program, Optional.of(Holder.self(program)));
    } catch (IOException e) {
      channel.close();
      throw FileProblem.failure("lock", lockFile, e);
    } catch (RuntimeException e) {
      channel.close();
      throw e;
    }
    try {
      if (lock == null) {
        throw new FolderInUseException(folder, program, readHolder(lockFile, channel));
      }
      writeHolder(lockFile, channel, Holder.self(program));
      return new FolderLock(lockFile, key, channel);
    } catch (IOException | RuntimeException e) {
      channel.close(); // releases the lock if this channel took it, and nobody else's
      throw e;
    }
  }

  /** The file's device and inode where the platform gives them, else its real path. */
  private static Object identity(Path lockFile) throws IOException {
    Object key = Files.readAttributes(lockFile, BasicFileAttributes.class).fileKey();
    return key != null ? key : lockFile.toRealPath();
  }

  private static Optional<Holder> readHolder(Path lockFile, FileChannel channel)
      throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(MAX_HOLDER_BYTES);
    try {
      while (bytes.hasRemaining() && channel.read(bytes, bytes.position()) > 0) {
        // read until the buffer is full or the file ends
      }
    } catch (IOException e) {
      throw FileProblem.failure("read lock file", lockFile, e);
    }
    bytes.flip();
    return Holder.parse(StandardCharsets.UTF_8.decode(bytes).toString());
  }

  private static void writeHolder(Path lockFile, FileChannel channel, Holder holder)
      throws IOException {
    try {
      // overwrite, then cut: on a full disk the old holder's block takes the new one
      ByteBuffer bytes = StandardCharsets.UTF_8.encode(holder.format() + "\n");
      while (bytes.hasRemaining()) {
        channel.write(bytes, bytes.position());
      }
      channel.truncate(bytes.limit());
    } catch (IOException e) {
      throw FileProblem.failure("write lock file", lockFile, e);
    }
  }

  /** The lock file. */
  public Path file() {
    return file;
  }

  /** Releases the lock; the lock file stays. Idempotent. */
  @Override
  public void close() {
    synchronized (HELD) {
      if (closed) {
        return;
      }
      closed = true;
      HELD.remove(key);
      try {
        channel.close(); // releases the lock
      } catch (IOException e) {
        log.debug("closing lock file={} failed: {}", file, e.toString());
      }
    }
    log.debug("unlocked file={}", file);
  }
}
