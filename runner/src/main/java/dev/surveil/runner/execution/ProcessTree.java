package dev.surveil.runner.execution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills a process together with its descendants and waits for them to die. Stateless and
 * thread-safe.
 */
final class ProcessTree {
  private static final Logger log = LoggerFactory.getLogger(ProcessTree.class);
  private static final Duration EXIT_WAIT = Duration.ofSeconds(10);
  private static final int ROUNDS = 3;
  private static final long POLL_MILLIS = 10;

  private ProcessTree() {}

  /**
   * Sends SIGKILL to {@code root} and every descendant, then waits (at most 10 s, ignoring
   * interrupts but keeping the interrupt flag) until each is gone or a zombie.
   */
  static void kill(ProcessHandle root) {
    List<ProcessHandle> killed = new ArrayList<>();
    // The descendants must be listed while the root lives: once it dies they are re-parented
    // and no longer reachable from it. Repeat in case one forked while we were killing.
    for (int round = 0; round < ROUNDS && !isDead(root); round++) {
      List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
      tree.add(0, root);
      for (ProcessHandle process : tree) {
        process.destroyForcibly();
        killed.add(process);
      }
    }
    long deadline = System.nanoTime() + EXIT_WAIT.toNanos();
    boolean interrupted = false;
    for (ProcessHandle process : killed) {
      while (!isDead(process)) {
        if (System.nanoTime() - deadline > 0) {
          log.warn("process did not die after SIGKILL pid={}", process.pid());
          break;
        }
        try {
          Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Whether the process is gone or a zombie. A killed process that is not our child stays a
   * zombie until its new parent reaps it, which some container inits do only every few
   * seconds; {@link ProcessHandle#isAlive} counts zombies as alive.
   */
  static boolean isDead(ProcessHandle process) {
    if (!process.isAlive()) {
      return true;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      // pid (command) state ...: the command may hold spaces and parentheses, so look after
      // the last ')'.
      int end = stat.lastIndexOf(')');
      char state = end >= 0 && end + 2 < stat.length() ? stat.charAt(end + 2) : '?';
      return state == 'Z' || state == 'X';
    } catch (IOException | RuntimeException e) {
      return false; // no /proc (not Linux) or the process just went away: isAlive decides
    }
  }
}
