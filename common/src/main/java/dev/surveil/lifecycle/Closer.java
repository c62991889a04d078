package dev.surveil.lifecycle;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Closes a group of resources in the reverse order of their registration (what was opened last
 * is closed first), every one of them even when an earlier one throws; the first failure is then
 * thrown, the others suppressed in it. Not thread-safe: one owner registers and closes; a
 * resource is closed once, a second {@link #close()} closes nothing.
 */
public final class Closer implements AutoCloseable {
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();

  /** Adds {@code resource} (null is ignored) to what {@link #close()} closes; returns it. */
  public <C extends AutoCloseable> C register(C resource) {
    if (resource != null) {
      resources.push(resource);
    }
    return resource;
  }

  /**
   * Closes every registered resource, last registered first, and forgets them.
   *
   * @throws RuntimeException the first failure as it was if unchecked, else wrapped in an
   *     {@link IllegalStateException}; the later failures are suppressed in it. An interrupt
   *     while closing sets the caller's interrupt flag again.
   */
  @Override
  public void close() {
    RuntimeException failure = null;
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        if (failure == null) {
          failure = e instanceof RuntimeException unchecked ? unchecked
              : new IllegalStateException(e.toString(), e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Closes every registered resource, as {@link #close()} does, because {@code failure} made
   * them useless (a start-up step failed after they were opened): their own failures are
   * suppressed in it, so that it stays the one reported.
   */
  public void closeAfter(Exception failure) {
    try {
      close();
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * Waits at most {@code timeout} for {@code pool}, already shut down, to have no thread left.
   *
   * @param name the pool's threads, for the message: e.g. {@code dispatcher-ping}
   * @throws IllegalStateException if threads are still running after the wait, or the caller
   *     was interrupted (its interrupt flag then set again)
   */
  public static void awaitTermination(String name, ExecutorService pool, Duration timeout) {
    Objects.requireNonNull(pool, "pool");
    boolean ended;
    try {
      ended = pool.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ended = pool.isTerminated();
    }
    if (!ended) {
      throw new IllegalStateException(name + " threads still running " + timeout.toMillis()
          + " ms after close");
    }
  }
}
