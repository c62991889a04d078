package dev.surveil.storage;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Words a failed file operation for the user: the operation, the file and the system's reason,
 * as in {@code cannot write journal /srv/results/.surveil-journal: No space left on device}.
 * The JDK's own messages are often only a path ({@code AccessDeniedException: /etc/x}), which
 * says where but not what was done nor what went wrong. Stateless.
 */
public final class FileProblem {
  private FileProblem() {}

  /**
   * The system's reason for {@code e}, in the words of {@code strerror}: {@code Permission
   * denied}, {@code No space left on device}, {@code No such file or directory}. The JDK leaves
   * the reason out of some exceptions (it is their type); this puts it back.
   */
  public static String reason(IOException e) {
    if (e instanceof FileSystemException failed && failed.getReason() != null) {
      return failed.getReason();
    }
    if (e instanceof AccessDeniedException) {
      return "Permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "No such file or directory";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "File exists";
    }
    if (e instanceof NotDirectoryException) {
      return "Not a directory";
    }
    if (e instanceof DirectoryNotEmptyException) {
      return "Directory not empty";
    }
    if (e instanceof FileSystemLoopException) {
      return "Too many levels of symbolic links";
    }
    if (e instanceof FileSystemException failed) {
      return failed.getClass().getSimpleName();
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  /**
   * {@code cannot <operation> <file>: <reason>}, e.g. {@code cannot create lock file
   * /srv/results/.surveil-lock: Permission denied}. When {@code e} names another file (a
   * temporary file, a parent folder), it follows: {@code … Permission denied (at /srv)}.
   *
   * @param operation what was being done, as a verb and its object: {@code write result}
   */
  public static String describe(String operation, Path file, IOException e) {
    StringBuilder text = new StringBuilder("cannot ").append(operation).append(' ')
        .append(file).append(": ").append(reason(e));
    if (e instanceof FileSystemException failed && failed.getFile() != null
        && !failed.getFile().equals(String.valueOf(file))) {
      text.append(" (at ").append(failed.getFile()).append(')');
    }
    return text.toString();
  }

  /**
   * An exception whose message is {@link #describe(String, Path, IOException)} and whose cause
   * is {@code e}, to throw where the operation is known.
   */
  public static IOException failure(String operation, Path file, IOException e) {
    return new IOException(describe(operation, file, e), e);
  }

  /**
   * What went wrong, with the file it happened to, when the operation is not known here:
   * {@code /etc/x: Permission denied}. The message of an exception made by {@link #failure}
   * already says everything and is returned as it is.
   */
  public static String describe(IOException e) {
    if (e instanceof FileSystemException failed && failed.getFile() != null) {
      return failed.getFile() + ": " + reason(e);
    }
    return reason(e);
  }
}
