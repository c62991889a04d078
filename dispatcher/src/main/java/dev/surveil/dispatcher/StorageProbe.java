package dev.surveil.dispatcher;

import dev.surveil.lifecycle.UncaughtExceptions;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread {@code dispatcher-storage-probe}: while the {@link StorageHealth} says the results
 * folder is failing, it writes a probe file there ({@link ResultStore#probe()}: create, write a
 * few KiB, force to disk, delete) every interval, so that the dispatcher notices by itself when
 * space returns and hands out commits again, without waiting for a runner to resend a result.
 * While the folder is healthy it sleeps on the health and writes nothing. Owns one thread;
 * thread-safe to start and close.
 */
final class StorageProbe implements AutoCloseable {
  /** How often a failing folder is tried. */
  static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final Logger log = LoggerFactory.getLogger(StorageProbe.class);

  private final ResultStore results;
  private final StorageHealth health;
  private final long intervalNanos;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Thread thread;

  StorageProbe(ResultStore results, StorageHealth health, Duration interval) {
    this.results = results;
    this.health = health;
    this.intervalNanos = interval.toNanos();
    this.thread = UncaughtExceptions.essential(
        new Thread(this::run, "dispatcher-storage-probe"));
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void run() {
    try {
      while (stopped.getCount() > 0) {
        health.awaitFailing();
        try {
          results.probe(); // reports to the health either way
        } catch (IOException e) {
          log.debug("probe failed: {}", e.getMessage());
        } catch (RuntimeException e) {
          log.error("probing the results folder failed; trying again", e);
        }
        if (stopped.await(intervalNanos, TimeUnit.NANOSECONDS)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws InterruptedException {
    stopped.countDown();
    thread.interrupt();
    thread.join(5_000);
  }
}
