package dev.surveil.dispatcher;

import dev.surveil.net.HostAndPort;
import dev.surveil.protocol.CommitId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The dispatcher's state: the registered runners, the FIFO queue of pending commits and which
 * runner tests which commit. Every change that touches more than one of these happens under one
 * lock, so a commit is always exactly one of: pending, assigned to a runner, or forgotten (done).
 * Thread-safe; threads wait on it for work instead of polling.
 */
final class RunnerPool {
  /** What {@link #enqueue} did with a commit. */
  enum Enqueued { QUEUED, ALREADY_PENDING, ALREADY_ASSIGNED }

  /** A pending commit and the runners that could take it, in the order to try them. */
  record Work(CommitId commit, List<HostAndPort> idleRunners) {}

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // runner -> the commit it is testing, or null when idle; in registration order
  private final Map<HostAndPort, CommitId> runners = new LinkedHashMap<>();
  private final Deque<CommitId> pending = new ArrayDeque<>();
  private final Map<CommitId, HostAndPort> assigned = new LinkedHashMap<>();
  private int rotation;
  private boolean closed;

  /**
   * Adds a runner to the pool. A runner that registers again while the pool thinks it is testing
   * a commit has restarted and lost that run, so the commit goes back to the front of the queue.
   *
   * @return the commit that was requeued, if any
   */
  Optional<CommitId> register(HostAndPort runner) {
    return withLock(() -> {
      CommitId lost = runners.put(runner, null);
      if (lost != null) {
        assigned.remove(lost);
        pending.addFirst(lost);
      }
      changed.signalAll();
      return Optional.ofNullable(lost);
    });
  }

  /** A runner taken out of the pool, and the commit it was testing ({@code null} if idle). */
  record Removed(HostAndPort runner, CommitId requeued) {}

  /**
   * Removes a runner; the commit it was testing, if any, goes back to the front of the queue.
   *
   * @return empty if the runner was not registered
   */
  Optional<Removed> remove(HostAndPort runner) {
    return withLock(() -> {
      if (!runners.containsKey(runner)) {
        return Optional.empty();
      }
      CommitId lost = runners.remove(runner);
      if (lost != null) {
        assigned.remove(lost);
        pending.addFirst(lost);
      }
      changed.signalAll();
      return Optional.of(new Removed(runner, lost));
    });
  }

  /** Queues a commit unless it is already pending or being tested. */
  Enqueued enqueue(CommitId commit) {
    return withLock(() -> {
      if (assigned.containsKey(commit)) {
        return Enqueued.ALREADY_ASSIGNED;
      }
      if (pending.contains(commit)) {
        return Enqueued.ALREADY_PENDING;
      }
      pending.addLast(commit);
      changed.signalAll();
      return Enqueued.QUEUED;
    });
  }

  /**
   * Marks a commit done: it leaves the queue or its runner, and that runner becomes idle.
   *
   * @return the runner that was testing it, if one was
   */
  Optional<HostAndPort> complete(CommitId commit) {
    return withLock(() -> {
      pending.remove(commit);
      HostAndPort runner = assigned.remove(commit);
      if (runner != null) {
        runners.put(runner, null);
        changed.signalAll();
      }
      return Optional.ofNullable(runner);
    });
  }

  /**
   * Puts a commit being tested back at the front of the queue and frees its runner: its result
   * could not be stored, so it must be tested again.
   */
  void requeue(CommitId commit) {
    withLock(() -> {
      HostAndPort runner = assigned.remove(commit);
      if (runner != null) {
        runners.put(runner, null);
      }
      if (!pending.contains(commit)) {
        pending.addFirst(commit);
      }
      changed.signalAll();
      return null;
    });
  }

  /**
   * Waits until a commit is pending and at least one runner is idle, and returns the oldest
   * pending commit with the idle runners (rotated, so work is spread over the pool).
   *
   * @return empty once the pool is closed
   */
  Optional<Work> takeWork() throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (!closed) {
        List<HostAndPort> idle = idleRunners();
        if (!pending.isEmpty() && !idle.isEmpty()) {
          int shift = Math.floorMod(rotation++, idle.size());
          List<HostAndPort> ordered = new ArrayList<>(idle.subList(shift, idle.size()));
          ordered.addAll(idle.subList(0, shift));
          return Optional.of(new Work(pending.peekFirst(), ordered));
        }
        changed.await();
      }
      return Optional.empty();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Records that {@code runner} accepted {@code commit}.
   *
   * @return false if the commit is no longer pending or the runner is no longer idle in the pool
   */
  boolean assign(CommitId commit, HostAndPort runner) {
    return withLock(() -> {
      if (!pending.contains(commit) || !runners.containsKey(runner)
          || runners.get(runner) != null) {
        return false;
      }
      pending.remove(commit);
      runners.put(runner, commit);
      assigned.put(commit, runner);
      return true;
    });
  }

  /** Waits until the pool changes, at most {@code nanos}; returns at once if closed. */
  void awaitChange(long nanos) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      if (!closed) {
        changed.awaitNanos(nanos);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Waits until at least one runner is registered; returns false once the pool is closed. */
  boolean awaitRunners() throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (!closed && runners.isEmpty()) {
        changed.await();
      }
      return !closed;
    } finally {
      lock.unlock();
    }
  }

  /** A snapshot of the registered runners. */
  List<HostAndPort> runners() {
    return withLock(() -> List.copyOf(runners.keySet()));
  }

  boolean hasRunners() {
    return withLock(() -> !runners.isEmpty());
  }

  /** A snapshot of the pending commits, oldest first. */
  List<CommitId> pending() {
    return withLock(() -> List.copyOf(pending));
  }

  /** A snapshot of which runner tests which commit. */
  Map<CommitId, HostAndPort> assignments() {
    return withLock(() -> Map.copyOf(assigned));
  }

  /** Wakes every waiting thread; waits return at once from now on. */
  void close() {
    withLock(() -> {
      closed = true;
      changed.signalAll();
      return null;
    });
  }

  private List<HostAndPort> idleRunners() {
    List<HostAndPort> idle = new ArrayList<>();
    runners.forEach((runner, commit) -> {
      if (commit == null) {
        idle.add(runner);
      }
    });
    return idle;
  }

  private <T> T withLock(Supplier<T> action) {
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }
}
