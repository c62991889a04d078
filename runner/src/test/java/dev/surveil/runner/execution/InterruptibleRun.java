package dev.surveil.runner.execution;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * A test run on its own thread, so that a test can interrupt it and take what it threw. Closing
 * it interrupts the thread and waits for it. Thread-safe.
 */
final class InterruptibleRun implements AutoCloseable {
  private static final long JOIN_MILLIS = 30_000;

  private final Thread thread;
  private final BlockingQueue<Object> outcome = new ArrayBlockingQueue<>(1);

  private InterruptibleRun(Callable<?> task) {
    thread = new Thread(() -> {
      try {
        outcome.add(task.call());
      } catch (Throwable e) {
        outcome.add(e);
      }
    }, "test-interruptible-run");
    thread.setDaemon(true);
  }

  static InterruptibleRun start(Callable<?> task) {
    InterruptibleRun run = new InterruptibleRun(task);
    run.thread.start();
    return run;
  }

  void interrupt() {
    thread.interrupt();
  }

  /** What the task threw, or null if it returned or is still running after {@code timeout}. */
  Throwable pollFailure(Duration timeout) throws InterruptedException {
    Object result = outcome.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    thread.join(timeout.toMillis());
    return result instanceof Throwable ? (Throwable) result : null;
  }

  @Override
  public void close() throws InterruptedException {
    thread.interrupt();
    thread.join(JOIN_MILLIS);
  }
}
