package dev.surveil.bench.sim;

import dev.surveil.net.LineClient;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Results;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * What the simulated runners received: when each ping arrived at which runner, how many
 * {@code runtest} requests and when the last one came; and the results they send back to the
 * dispatcher for each accepted commit. Thread-safe; waiters are woken, never poll.
 */
public final class RunnerTraffic {
  /** A ping that arrived at runner {@code runner} at {@code nanos} ({@link System#nanoTime}). */
  public record Ping(int runner, long nanos) {}

  private final HostAndPort dispatcher;
  private final LineClient client;
  private final Executor senders;
  private final List<Ping> pings = new ArrayList<>();
  private long runTests;
  private long lastRunTestNanos;
  private long resultsPending;
  private long resultsFailed;

  RunnerTraffic(HostAndPort dispatcher, LineClient client, Executor senders) {
    this.dispatcher = dispatcher;
    this.client = client;
    this.senders = senders;
  }

  synchronized void onPing(int runner, long nanos) {
    pings.add(new Ping(runner, nanos));
  }

  /** Counts the request and has the result sent to the dispatcher from another thread. */
  void onRunTest(CommitId commit, long nanos) {
    synchronized (this) {
      runTests++;
      lastRunTestNanos = nanos;
      resultsPending++;
      notifyAll();
    }
    try {
      senders.execute(() -> sendResult(commit));
    } catch (RejectedExecutionException e) {
      resultDone(false); // closing
    }
  }

  private void sendResult(CommitId commit) {
    boolean stored;
    try {
      stored = client.send(dispatcher, new Results(commit, "commit " + commit.value()
          + ": PASSED in 0 ms (simulated runner)\n0 tests, 0 passed, 0 failed, 0 skipped\n"))
          == Reply.OK;
    } catch (IOException e) {
      stored = false;
    }
    resultDone(stored);
  }

  private synchronized void resultDone(boolean stored) {
    resultsPending--;
    if (!stored) {
      resultsFailed++;
    }
    notifyAll();
  }

  /** The pings that arrived at or after {@code sinceNanos}, in arrival order. */
  public synchronized List<Ping> pingsSince(long sinceNanos) {
    return pings.stream().filter(p -> p.nanos() - sinceNanos >= 0).toList();
  }

  /** How many {@code runtest} requests arrived so far. */
  public synchronized long runTests() {
    return runTests;
  }

  /** When the latest {@code runtest} arrived ({@link System#nanoTime}). */
  public synchronized long lastRunTestNanos() {
    return lastRunTestNanos;
  }

  /** Results the dispatcher did not acknowledge with {@code OK}. */
  public synchronized long resultsFailed() {
    return resultsFailed;
  }

  /**
   * Waits until {@code count} {@code runtest} requests have arrived and every result has been
   * sent; false if that did not happen within {@code timeoutMillis}.
   */
  public synchronized boolean awaitRunTests(long count, long timeoutMillis)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (runTests < count || resultsPending > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }
}
