package dev.surveil.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file that is only ever written whole: its content goes to a temporary file in the same
 * folder ({@code .incoming-<name>-<random>.tmp}), which is forced to disk and then renamed over
 * the file ({@link #replace}) or hard-linked as the file if it does not exist yet
 * ({@link #createIfAbsent}); the folder is forced after that, so the rename or link itself
 * survives a crash. A reader sees the old content or the new one, never a mix; a crash leaves at
 * most a temporary file, which {@link #removeLeftovers} deletes at the next start. Files are
 * created with the permissions the umask leaves, as any tool's. The dispatcher's journal and
 * results, the runner's outbox and the observer's state file are all written through this class.
 * Immutable and thread-safe; concurrent writers of one file each use their own temporary file.
 */
public final class AtomicFile {
  /** Temporary files start with this: a dot, which no commit id or result name does. */
  public static final String TEMP_PREFIX = ".incoming-";
  private static final String TEMP_SUFFIX = ".tmp";
  private static final Logger log = LoggerFactory.getLogger(AtomicFile.class);

  private final Path file;
  private final Path folder;

  /** The file {@code file}; its folder must exist when it is written. */
  public AtomicFile(Path file) {
    this.file = file;
    this.folder = file.toAbsolutePath().getParent();
  }

  /** The file this writes. */
  public Path path() {
    return file;
  }

  /**
   * Replaces the file's content with {@code content} (creating the file if needed), durably: when
   * this returns, the new content is on disk and a crash leaves it in place.
   *
   * @throws IOException if anything fails; the file then keeps its old content and the
   *     temporary file is gone
   */
  public void replace(ByteBuffer content) throws IOException {
    replaceAndOpen(content).close();
  }

  /**
   * As {@link #replace}, and returns a channel that appends to the new file: it is the channel
   * the content was written through, and it follows the file through the rename, so a log that
   * is rewritten this way needs nothing to reopen. The caller closes it.
   *
   * @throws IOException if anything fails; the file then keeps its old content
   */
  public FileChannel replaceAndOpen(ByteBuffer content) throws IOException {
    Path temp = createTemporary(folder, file.getFileName().toString());
    FileChannel channel = null;
    try {
      channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      writeAndForce(channel, content);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel, e);
      deleteQuietly(temp);
      throw e;
    }
    forceFolder(folder);
    return channel;
  }

  /**
   * Creates the file with {@code content} unless it exists, durably. Never overwrites: the link
   * that makes the file fails atomically when the name is taken, so two writers racing for one
   * file need no lock, and exactly one of them wins.
   *
   * @return true if this call created the file, false if it existed (nothing is written then)
   * @throws IOException if anything fails; the file then does not exist (unless another writer
   *     made it) and the temporary file is gone
   */
  public boolean createIfAbsent(ByteBuffer content) throws IOException {
    if (Files.exists(file)) {
      return false;
    }
    Path temp = createTemporary(folder, file.getFileName().toString());
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        writeAndForce(channel, content);
      }
      try {
        Files.createLink(file, temp);
      } catch (FileAlreadyExistsException e) {
        return false;
      }
      forceFolder(folder);
      return true;
    } finally {
      deleteQuietly(temp);
    }
  }

  /**
   * Writes {@code bytes} zero bytes to a temporary file in {@code folder}, forces it to disk and
   * deletes it, as a write of this class would: whether the folder would take a file now.
   *
   * @throws IOException naming the temporary file, the operation and the system's reason
   */
  public static void probe(Path folder, int bytes) throws IOException {
    Path temp = null;
    try {
      temp = createTemporary(folder, "probe");
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        writeAndForce(channel, ByteBuffer.allocate(bytes));
      }
      Files.delete(temp);
      temp = null;
    } catch (IOException e) {
      throw FileProblem.failure("write probe file",
          temp != null ? temp : folder.resolve(TEMP_PREFIX + "probe"), e);
    } finally {
      deleteQuietly(temp);
    }
  }

  /**
   * Deletes the temporary files a crash left in {@code folder}, of any file.
   *
   * @return the files deleted
   * @throws IOException naming the folder or file, the operation and the system's reason
   */
  public static List<Path> removeLeftovers(Path folder) throws IOException {
    return remove(folder, TEMP_PREFIX + "*");
  }

  /**
   * Deletes the temporary files a crash left while this file was being written.
   *
   * @return the files deleted
   * @throws IOException naming the folder or file, the operation and the system's reason
   */
  public List<Path> removeLeftovers() throws IOException {
    return remove(folder, TEMP_PREFIX + file.getFileName() + "-*" + TEMP_SUFFIX);
  }

  private static List<Path> remove(Path folder, String glob) throws IOException {
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, glob)) {
      files.forEach(found::add);
    } catch (DirectoryIteratorException e) {
      throw FileProblem.failure("list folder", folder, e.getCause());
    } catch (IOException e) {
      throw FileProblem.failure("list folder", folder, e);
    }
    for (Path leftover : found) {
      try {
        Files.deleteIfExists(leftover);
      } catch (IOException e) {
        throw FileProblem.failure("remove unfinished file", leftover, e);
      }
    }
    return found;
  }

  /** True for the temporary files of this class, which are no one's content yet. */
  public static boolean isTemporary(Path file) {
    return file.getFileName().toString().startsWith(TEMP_PREFIX);
  }

  /**
   * Makes a rename or link in {@code folder} durable. On Linux a folder can be opened and forced;
   * where it cannot (other systems), this does nothing.
   */
  public static void forceFolder(Path folder) {
    try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      log.debug("cannot force folder={} to disk: {}", folder, e.toString());
    }
  }

  /**
   * Creates a new, empty temporary file for {@code name} with the permissions the umask leaves
   * ({@code Files.createTempFile} would make it readable by its owner only).
   */
  private static Path createTemporary(Path folder, String name) throws IOException {
    while (true) {
      Path temp = folder.resolve(TEMP_PREFIX + name + "-"
          + Long.toHexString(ThreadLocalRandom.current().nextLong()) + TEMP_SUFFIX);
      try {
        return Files.createFile(temp);
      } catch (FileAlreadyExistsException e) {
        log.debug("temporary name={} taken; drawing another", temp.getFileName());
      }
    }
  }

  private static void writeAndForce(FileChannel channel, ByteBuffer content) throws IOException {
    while (content.hasRemaining()) {
      channel.write(content);
    }
    channel.force(true);
  }

  private static void closeQuietly(FileChannel channel, Exception cause) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      cause.addSuppressed(e);
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
