package dev.surveil.storage;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Words a failed file operation for the user. The JDK's own messages are often only a path
 * ({@code AccessDeniedException: /etc/x}), which says where but not what went wrong. Stateless.
 */
public final class FileProblem {
  private FileProblem() {}

  /** What went wrong, with the file it happened to: {@code permission denied on /etc/x}. */
  public static String describe(IOException e) {
    if (e instanceof AccessDeniedException denied) {
      return "permission denied on " + denied.getFile();
    }
    if (e instanceof NoSuchFileException missing) {
      return missing.getFile() + " does not exist";
    }
    if (e instanceof FileAlreadyExistsException exists) {
      return exists.getFile() + " exists and is not a folder";
    }
    if (e instanceof NotDirectoryException notFolder) {
      return notFolder.getFile() + " is not a folder";
    }
    if (e instanceof FileSystemException failed && failed.getReason() != null) {
      return failed.getFile() + ": " + failed.getReason().toLowerCase(java.util.Locale.ROOT);
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }
}
