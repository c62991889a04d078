package dev.surveil.lifecycle;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One named background thread running one loop, started once and closed once: the shape of
 * every helper thread of Surveil (a server's accept loop, the dispatcher's redistributor,
 * heartbeat and storage probe, the runner's dispatcher link, the observer's poller). Its state is
 * a {@link Lifecycle}; an exception that escapes the loop goes to {@link UncaughtExceptions}'
 * policy for essential threads (logged, and the program exits once that policy is installed).
 * Thread-safe.
 *
 * <p>{@link #close(Duration)} runs the {@link #whenClosing} action (which wakes the loop from
 * whatever it waits on), interrupts the thread (at once, or only once the time is up for a loop
 * that an interrupt would harm; see {@link #interruptOnlyOnTimeout}) and waits for it to end. A
 * close that does not see the thread end says so: it throws.
 */
public final class Worker implements AutoCloseable {
  /** The loop; it ends when it returns or is interrupted. */
  @FunctionalInterface
  public interface Loop {
    /** Runs until the worker closes; an {@link InterruptedException} ends it quietly. */
    void run() throws InterruptedException;
  }

  /** How long {@link #close()} waits for the thread. */
  public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
  /** How long a loop interrupted only once its close timed out gets to end after the interrupt. */
  static final Duration INTERRUPT_GRACE = Duration.ofSeconds(1);

  private final Lifecycle lifecycle;
  private final Thread thread;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final Object startLock = new Object();
  private volatile Runnable whenClosing = () -> { };
  private volatile boolean interruptAtOnce = true;

  private Worker(String name, boolean daemon, Loop loop) {
    Objects.requireNonNull(loop, "loop");
    this.lifecycle = new Lifecycle(name);
    this.thread = UncaughtExceptions.essential(new Thread(() -> run(loop), name));
    thread.setDaemon(daemon);
  }

  /** A worker on a daemon thread named {@code name}: it does not keep the JVM alive. */
  public static Worker daemon(String name, Loop loop) {
    return new Worker(name, true, loop);
  }

  /** A worker on a thread named {@code name} that keeps the JVM alive while it runs. */
  public static Worker nonDaemon(String name, Loop loop) {
    return new Worker(name, false, loop);
  }

  private static void run(Loop loop) {
    try {
      loop.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // close() asked it to stop
    }
  }

  /**
   * Has {@link #close(Duration)} run {@code action} first, before it interrupts or waits: e.g.
   * count down the latch or close the queue the loop waits on. Returns this worker.
   *
   * @throws IllegalStateException if already started or closed
   */
  public Worker whenClosing(Runnable action) {
    requireNew();
    this.whenClosing = Objects.requireNonNull(action, "action");
    return this;
  }

  /**
   * Has {@link #close(Duration)} wait the whole time without interrupting, then interrupt and
   * wait {@link #INTERRUPT_GRACE} more: for a loop whose work an interrupt would spoil (JGit's
   * file channels do not survive one). Returns this worker.
   *
   * @throws IllegalStateException if already started or closed
   */
  public Worker interruptOnlyOnTimeout() {
    requireNew();
    this.interruptAtOnce = false;
    return this;
  }

  private void requireNew() {
    if (lifecycle.state() != Lifecycle.State.NEW) {
      throw new IllegalStateException("worker " + thread.getName()
          + " already started or closed, state=" + lifecycle.state());
    }
  }

  /** The thread's name. */
  public String name() {
    return thread.getName();
  }

  /**
   * Starts the thread.
   *
   * @throws IllegalStateException naming the state, if already started or closed
   */
  public void start() {
    synchronized (startLock) { // close() sees the thread either started or never to start
      lifecycle.start();
      thread.start();
    }
  }

  /** Whether started and not closed: the loop runs while this holds. */
  public boolean isRunning() {
    return lifecycle.isStarted();
  }

  /** Whether {@link #close(Duration)} has been called. */
  public boolean isClosed() {
    return lifecycle.isClosed();
  }

  /**
   * For the loop, between rounds: waits at most {@code timeout}, less if the worker is closed
   * meanwhile; true if it is closed.
   */
  public boolean awaitClose(Duration timeout) throws InterruptedException {
    return closing.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Blocks until the thread has ended; at once if it never started. */
  public void join() throws InterruptedException {
    thread.join();
  }

  /** As {@link #close(Duration)} with {@link #CLOSE_TIMEOUT}. */
  @Override
  public void close() {
    close(CLOSE_TIMEOUT);
  }

  /**
   * Stops the loop and waits at most {@code timeout} for the thread to end. Idempotent: a second
   * call returns at once. A worker never started is only marked closed (and its closing action
   * run).
   *
   * @throws IllegalStateException if the thread is still running after the wait (also when
   *     the caller is interrupted while waiting, whose interrupt flag is then set again)
   */
  public void close(Duration timeout) {
    synchronized (startLock) {
      if (!lifecycle.close()) {
        return;
      }
    }
    closing.countDown();
    whenClosing.run();
    if (!thread.isAlive()) {
      return; // never started, or done
    }
    boolean interrupted = false;
    try {
      if (interruptAtOnce) {
        thread.interrupt();
        thread.join(Math.max(1, timeout.toMillis()));
      } else {
        thread.join(Math.max(1, timeout.toMillis()));
        if (thread.isAlive()) {
          thread.interrupt();
          thread.join(INTERRUPT_GRACE.toMillis());
        }
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      throw new IllegalStateException("thread " + thread.getName() + " still running "
          + timeout.toMillis() + " ms after close");
    }
  }
}
