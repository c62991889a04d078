package dev.surveil.dispatcher;

import dev.surveil.lifecycle.Worker;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread {@code dispatcher-storage-probe}: while the {@link StorageHealth} says the results
 * folder is failing, it writes a probe file there ({@link ResultStore#probe()}: create, write a
 * few KiB, force to disk, delete) every interval, so that the dispatcher notices by itself when
 * space returns and hands out commits again, without waiting for a runner to resend a result.
 * While the folder is healthy it sleeps on the health and writes nothing. Owns one
 * {@link Worker}; thread-safe to start and close.
 */
final class StorageProbe implements AutoCloseable {
  /** How often a failing folder is tried. */
  static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final Logger log = LoggerFactory.getLogger(StorageProbe.class);

  private final ResultStore results;
  private final StorageHealth health;
  private final Duration interval;
  private final Worker worker = Worker.daemon("dispatcher-storage-probe", this::run);

  StorageProbe(ResultStore results, StorageHealth health, Duration interval) {
    this.results = results;
    this.health = health;
    this.interval = interval;
  }

  private void run() throws InterruptedException {
    do {
      health.awaitFailing();
      try {
        results.probe(); // reports to the health either way
      } catch (IOException e) {
        log.debug("probe failed: {}", e.getMessage());
      } catch (RuntimeException e) {
        log.error("probing the results folder failed; trying again", e);
      }
    } while (!worker.awaitClose(interval));
  }

  /** Starts the thread. */
  void start() {
    worker.start();
  }

  /**
   * Stops the thread.
   *
   * @throws IllegalStateException if the thread did not end within {@link Worker#CLOSE_TIMEOUT}
   */
  @Override
  public void close() {
    worker.close();
  }
}
