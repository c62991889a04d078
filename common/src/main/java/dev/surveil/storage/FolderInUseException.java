package dev.surveil.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A {@link FolderLock} is held by another process (or another holder in this JVM). Its message
 * is one line for the user: {@code test_results is in use by another dispatcher (pid 1234)}.
 * Immutable.
 */
public final class FolderInUseException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Who holds the lock, if its lock file said so. */
  private final transient Optional<FolderLock.Holder> holder;

  FolderInUseException(Path folder, String program, Optional<FolderLock.Holder> holder) {
    super(folder + " is in use by " + describe(program, holder));
    this.holder = holder;
  }

  /** Who holds the lock; empty if the holder had not recorded itself yet. */
  public Optional<FolderLock.Holder> holder() {
    return holder;
  }

  /** {@code another dispatcher (pid 1234)}, {@code an observer (pid 99)}, or the unknown. */
  private static String describe(String program, Optional<FolderLock.Holder> holder) {
    if (holder.isEmpty()) {
      return "another program (it has not said which yet)";
    }
    String name = holder.get().program();
    String who;
    if (name.equals(program)) {
      who = "another " + name;
    } else {
      who = ("aeiou".indexOf(name.isEmpty() ? 'x' : name.charAt(0)) >= 0 ? "an " : "a ") + name;
    }
    return who + " (pid " + holder.get().pid() + ")";
  }
}
