package dev.surveil.dispatcher;

import dev.surveil.lifecycle.Worker;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Ping;
import dev.surveil.protocol.Reply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pings every registered runner each interval, all in parallel, each ping with its own timeout
 * (set in the {@link RunnerClient}), so one frozen runner cannot delay the verdict on the others.
 * A runner that does not answer {@code pong} is removed and its commit goes back to the front of
 * the queue. A runner whose previous ping is still outstanding is not pinged again. While no
 * runner is registered the monitor's thread sleeps. Owns one {@link Worker}; the ping executor is
 * shared and owned by the caller. Thread-safe.
 */
final class HeartbeatMonitor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HeartbeatMonitor.class);

  private final RunnerPool pool;
  private final RunnerClient client;
  private final ExecutorService pingExecutor;
  private final Duration interval;
  private final ResultWatch results; // null: results are not watched
  private final Set<HostAndPort> outstanding = ConcurrentHashMap.newKeySet();
  private final Worker worker = Worker.daemon("dispatcher-heartbeat", this::run);

  HeartbeatMonitor(RunnerPool pool, RunnerClient client, ExecutorService pingExecutor,
      Duration interval) {
    this(pool, client, pingExecutor, interval, null);
  }

  /**
   * A monitor that also runs {@code results}' {@link ResultWatch#sweep} each interval, its
   * questions on the ping executor.
   */
  HeartbeatMonitor(RunnerPool pool, RunnerClient client, ExecutorService pingExecutor,
      Duration interval, ResultWatch results) {
    this.results = results;
    this.pool = pool;
    this.client = client;
    this.pingExecutor = pingExecutor;
    this.interval = interval;
  }

  private void run() throws InterruptedException {
    while (pool.awaitRunners()) {
      try {
        sweep();
      } catch (RuntimeException e) {
        log.error("heartbeat sweep failed; trying again next interval", e);
      }
      if (worker.awaitClose(interval)) {
        return;
      }
    }
  }

  /**
   * Starts one ping to every registered runner that has none outstanding, and the result
   * watch's questions; does not wait.
   */
  void sweep() {
    if (results != null) {
      results.sweep(pingExecutor);
    }
    for (HostAndPort runner : pool.runners()) {
      if (outstanding.add(runner)) {
        try {
          pingExecutor.execute(() -> ping(runner));
        } catch (RejectedExecutionException e) {
          outstanding.remove(runner);
          return; // shutting down
        }
      }
    }
  }

  private void ping(HostAndPort runner) {
    try {
      String problem;
      try {
        Reply reply = client.send(runner, new Ping());
        problem = reply == Reply.PONG ? null : "answered '" + reply.text() + "' to ping";
      } catch (IOException | RuntimeException e) {
        problem = e.getMessage() == null ? e.toString() : e.getMessage();
      }
      if (problem != null && !worker.isClosed()) {
        evict(runner, problem);
      }
    } finally {
      outstanding.remove(runner);
    }
  }

  private void evict(HostAndPort runner, String problem) {
    Optional<RunnerPool.Removed> removed;
    try {
      removed = pool.remove(runner);
    } catch (UncheckedIOException e) {
      // the storage health has logged why; the next ping that fails tries again
      log.debug("cannot remove runner {} now: {}", runner, e.getMessage());
      return;
    }
    if (removed.isEmpty()) {
      return;
    }
    CommitId lost = removed.get().requeued();
    if (lost != null) {
      log.warn("removed runner {}: {}; commit {} goes back to the front of the queue", runner,
          problem, lost);
    } else {
      log.warn("removed runner {}: {}", runner, problem);
    }
  }

  /** Starts the thread. */
  void start() {
    worker.start();
  }

  /**
   * Stops the thread; a ping still outstanding evicts no one.
   *
   * @throws IllegalStateException if the thread did not end within {@link Worker#CLOSE_TIMEOUT}
   */
  @Override
  public void close() {
    worker.close();
  }
}
