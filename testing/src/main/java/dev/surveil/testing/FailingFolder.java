package dev.surveil.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real folder whose writes can be made to fail, and to work again, for tests of what a program
 * does when its disk is full or not writable. What makes it fail depends on who runs the test:
 *
 * <ul>
 *   <li>as root, who may write to any folder, it is a small tmpfs mounted for the test, which
 *       {@link #startFailing()} fills with a dot file: writes fail with {@code No space left on
 *       device}, as on a full disk. A file opened before keeps what it holds, and may still grow
 *       into the slack of its last page, as on any file system;
 *   <li>as root where tmpfs cannot be mounted, a plain folder that {@link #startFailing()} makes
 *       immutable ({@code chattr +i}): creating a file in it fails with {@code Operation not
 *       permitted};
 *   <li>as anyone else, a plain folder that {@link #startFailing()} makes read-only: creating a
 *       file in it fails with {@code Permission denied}.
 * </ul>
 *
 * <p>If none of these can be done here, the test is aborted (skipped) with the reason.
 * {@link #close()} makes it writable again and unmounts it (lazily if a process still has a file
 * open there); the folder itself is the caller's to delete. Not thread-safe.
 */
public final class FailingFolder implements AutoCloseable {
  /** How writes fail, and the system's words for it. */
  public enum Fault {
    FULL("No space left on device"),
    IMMUTABLE("Operation not permitted"),
    READ_ONLY("Permission denied");

    private final String reason;

    Fault(String reason) {
      this.reason = reason;
    }

    /** The system's reason for a failed write, as {@code strerror} words it. */
    public String reason() {
      return reason;
    }
  }

  /** The size of the tmpfs: room for the journal, the lock and a few dozen results. */
  private static final String TMPFS_SIZE = "1m";
  private static final String FILLER = ".filler";

  private final Path path;
  private final Fault fault;
  private boolean failing;
  private boolean closed;

  private FailingFolder(Path path, Fault fault) {
    this.path = path;
    this.fault = fault;
  }

  /** Creates the folder {@code path} (its parent must exist), writable until told otherwise. */
  public static FailingFolder create(Path path) {
    try {
      Files.createDirectories(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (readOnlyStopsWrites(path)) {
      return new FailingFolder(path, Fault.READ_ONLY);
    }
    List<String> mount = List.of("mount", "-t", "tmpfs", "-o", "size=" + TMPFS_SIZE + ",mode=0755",
        "tmpfs", path.toString());
    String mounted = run(mount);
    if (mounted.isEmpty()) {
      return new FailingFolder(path, Fault.FULL);
    }
    String immutable = run(List.of("chattr", "+i", path.toString()));
    if (immutable.isEmpty() && run(List.of("chattr", "-i", path.toString())).isEmpty()) {
      return new FailingFolder(path, Fault.IMMUTABLE);
    }
    Assumptions.abort("as root, no way to make a folder fail writes here: mount said '" + mounted
        + "', chattr said '" + immutable + "'");
    throw new AssertionError("unreachable");
  }

  public Path path() {
    return path;
  }

  public Fault fault() {
    return fault;
  }

  /** The system's reason writes fail with, e.g. {@code No space left on device}. */
  public String reason() {
    return fault.reason();
  }

  /** From now on, creating a file in the folder (or growing one into new space) fails. */
  public void startFailing() {
    if (failing) {
      return;
    }
    failing = true;
    switch (fault) {
      case FULL -> fill();
      case IMMUTABLE -> check(run(List.of("chattr", "+i", path.toString())));
      case READ_ONLY -> permissions("r-xr-xr-x");
      default -> throw new IllegalStateException("unknown fault " + fault);
    }
  }

  /** Writes work again: the space is freed, or the folder writable. */
  public void stopFailing() {
    if (!failing) {
      return;
    }
    switch (fault) {
      case FULL -> delete(path.resolve(FILLER));
      case IMMUTABLE -> check(run(List.of("chattr", "-i", path.toString())));
      case READ_ONLY -> permissions("rwxr-xr-x");
      default -> throw new IllegalStateException("unknown fault " + fault);
    }
    failing = false;
  }

  private void fill() {
    byte[] chunk = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(path.resolve(FILLER))) {
      while (true) {
        out.write(chunk);
      }
    } catch (IOException e) {
      // full: what we wanted (closing may fail the same way)
    }
    byte[] last = new byte[512];
    try (OutputStream out = Files.newOutputStream(path.resolve(FILLER + "-tail"))) {
      out.write(last); // a new file needs a new page: there must be none left
      throw new IllegalStateException("tmpfs " + path + " is not full after filling it");
    } catch (IOException e) {
      delete(path.resolve(FILLER + "-tail"));
    }
  }

  private void permissions(String mode) {
    try {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writable again, and unmounted; safe to call twice, and after a failed test. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stopFailing();
    } finally {
      if (fault == Fault.FULL && !run(List.of("umount", path.toString())).isEmpty()) {
        check(run(List.of("umount", "-l", path.toString()))); // a process still has a file open
      }
    }
  }

  /** Whether a read-only folder is one we cannot write to: false for root. */
  private static boolean readOnlyStopsWrites(Path folder) {
    try {
      Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-xr-xr-x"));
      try {
        return !Files.isWritable(folder);
      } finally {
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void check(String failure) {
    if (!failure.isEmpty()) {
      throw new IllegalStateException(failure);
    }
  }

  /** Runs {@code command}; returns "" if it succeeded, else what it printed and its status. */
  private static String run(List<String> command) {
    try {
      Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
          .start();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return String.join(" ", command) + ": no answer within 30 s";
      }
      return process.exitValue() == 0 ? ""
          : new String(output, StandardCharsets.UTF_8).strip() + " (exit "
              + process.exitValue() + ")";
    } catch (IOException e) {
      return String.join(" ", command) + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return String.join(" ", command) + ": interrupted";
    }
  }
}
