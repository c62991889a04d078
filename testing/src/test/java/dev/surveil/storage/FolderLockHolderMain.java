package dev.surveil.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A separate process for {@link FolderLockTest}: takes the lock of folder {@code args[0]} as
 * program {@code args[1]}, prints {@code locked}, and holds it until its standard input ends or
 * it is killed; or prints {@code refused: <message>} if another process holds it.
 */
public final class FolderLockHolderMain {
  private FolderLockHolderMain() {}

  public static void main(String[] args) throws IOException {
    Path folder = Path.of(args[0]);
    Path file = folder.resolve(FolderLockTest.FILE);
    try (FolderLock lock = FolderLock.acquire(folder, file, args[1])) {
      System.out.println("locked");
      System.out.flush();
      while (System.in.read() >= 0) {
        // hold the lock until the test closes our input
      }
    } catch (FolderInUseException e) {
      System.out.println("refused: " + e.getMessage());
      System.out.flush();
    }
  }
}
