package dev.surveil.runner.execution;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A temporary folder, outside any checkout, that one test run owns and deletes, with everything
 * in it, when closed. Not thread-safe: one run uses it.
 */
final class WorkFolder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkFolder.class);

  private final Path path;

  private WorkFolder(Path path) {
    this.path = path;
  }

  /** Creates a new folder in {@code parent}, or in the system's temporary folder if null. */
  static WorkFolder create(Path parent, String prefix) throws IOException {
    return new WorkFolder(parent == null ? Files.createTempDirectory(prefix)
        : Files.createTempDirectory(parent, prefix));
  }

  Path path() {
    return path;
  }

  Path resolve(String name) {
    return path.resolve(name);
  }

  /** Deletes the folder and its content; logs (and otherwise ignores) what it cannot delete. */
  @Override
  public void close() {
    try {
      Files.walkFileTree(path, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
            throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
          Files.deleteIfExists(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      log.warn("cannot delete temporary folder path={}", path, e);
    }
  }
}
