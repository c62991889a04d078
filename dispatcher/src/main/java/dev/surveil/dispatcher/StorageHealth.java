package dev.surveil.dispatcher;

import dev.surveil.time.Durations;
import dev.surveil.time.Ticker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the dispatcher can write its results folder now. A result or journal line that cannot
 * be written marks it failing; a stored result or a {@link StorageProbe} write marks it healthy
 * again. While it fails, the {@link Redistributor} hands out no commit, since their results could
 * not be stored. It says so once: one ERROR with the reason when it starts failing, a WARN
 * reminder at most once a {@link #REMINDER_INTERVAL} while it lasts, one INFO when it works again.
 * Before {@link #start()} it logs nothing: a dispatcher that cannot start says why in one line of
 * its own. Thread-safe.
 */
final class StorageHealth {
  /** How often, at most, a failure that lasts is logged again. */
  static final Duration REMINDER_INTERVAL = Duration.ofMinutes(1);
  private static final Logger log = LoggerFactory.getLogger(StorageHealth.class);

  private final Path dir;
  private final Ticker ticker;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private boolean failing; // guarded by lock
  private long failingSince; // guarded by lock; ticker nanos
  private long lastReport; // guarded by lock; ticker nanos of the last ERROR or WARN
  private boolean started; // guarded by lock

  /** The health of the results folder {@code dir}, healthy until a write fails. */
  StorageHealth(Path dir, Ticker ticker) {
    this.dir = dir;
    this.ticker = ticker;
  }

  /** From now on, changes are logged. */
  void start() {
    lock.lock();
    try {
      started = true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * A write failed: {@code problem} names the operation, the file and the system's reason, e.g.
   * {@code cannot write result /srv/results/3f78…: No space left on device}.
   */
  void failed(String problem) {
    lock.lock();
    try {
      long now = ticker.read();
      if (!failing) {
        failing = true;
        failingSince = now;
        lastReport = now;
        changed.signalAll();
        if (started) {
          log.error("{}; until {} can be written, no result is stored and no commit is handed"
              + " out (runners keep their reports and send them again)", problem, dir);
        }
      } else if (now - lastReport >= REMINDER_INTERVAL.toNanos()) {
        lastReport = now;
        if (started) {
          log.warn("{} still cannot be written after {}: {}", dir, since(now), problem);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** A write succeeded: the folder takes results again. */
  void worked() {
    lock.lock();
    try {
      if (!failing) {
        return;
      }
      failing = false;
      changed.signalAll();
      if (started) {
        log.info("{} can be written again after {}; storing results and handing out commits",
            dir, since(ticker.read()));
      }
    } finally {
      lock.unlock();
    }
  }

  boolean isHealthy() {
    lock.lock();
    try {
      return !failing;
    } finally {
      lock.unlock();
    }
  }

  /** Returns once the folder is healthy: at once if it is. */
  void awaitHealthy() throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (failing) {
        changed.await();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Returns once the folder is failing: at once if it is. */
  void awaitFailing() throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (!failing) {
        changed.await();
      }
    } finally {
      lock.unlock();
    }
  }

  private String since(long now) {
    return Durations.format(Duration.ofSeconds(
        Duration.ofNanos(now - failingSince).toSeconds()));
  }
}
