package dev.surveil.dispatcher;

import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.HostAndPort;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The dispatcher's state: the registered runners, the FIFO queue of pending commits and which
 * runner tests which commit. Every change that touches more than one of these happens under one
 * lock, so a commit is always exactly one of: pending, assigned to a runner, or forgotten (done).
 * Thread-safe; threads wait on it for work instead of polling.
 *
 * <p>Every change is first appended to a {@link Journal}, under the lock, so the journal holds
 * the changes in the order they were made; {@link #recover} replays them into a new pool. A change
 * the journal cannot record is not made. Callers that must not reply before a change is durable
 * call {@link #sync()}.
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
  // assigned commits whose runner has its report and sends it again (not journaled)
  private final Set<CommitId> reportsWaiting = new HashSet<>();
  // commits that lost their runner (removed, registered again, requeued) and have no result
  // yet -> that runner, which may still deliver the result (not journaled; see senders)
  private final Map<CommitId, HostAndPort> formerRunners = new HashMap<>();
  // commits being offered with runtest -> the runner asked (not journaled; see mayTest)
  private final Map<CommitId, HostAndPort> offers = new HashMap<>();
  private int rotation;
  private boolean closed;
  private Journal journal; // guarded by lock

  /** An empty pool that records its changes in {@code journal}. */
  RunnerPool(Journal journal) {
    this.journal = journal;
  }

  /** An empty pool that records nothing. */
  RunnerPool() {
    this(Journal.NONE);
  }

  /**
   * Rebuilds a pool by replaying {@code changes}, then records its further changes in
   * {@code journal}.
   */
  static RunnerPool recover(List<PoolChange> changes, Journal journal) {
    RunnerPool pool = new RunnerPool(Journal.NONE);
    for (PoolChange change : changes) {
      pool.apply(change);
    }
    pool.withLock(() -> pool.journal = journal);
    return pool;
  }

  /** Makes one change, as its operation would. */
  void apply(PoolChange change) {
    CommitId commit = change.commit();
    HostAndPort runner = change.runner();
    switch (change.op()) {
      case REGISTER -> register(runner);
      case REMOVE -> remove(runner);
      case ENQUEUE -> enqueue(commit);
      case ASSIGN -> assign(commit, runner);
      case COMPLETE -> complete(commit);
      case REQUEUE -> requeue(commit);
      default -> throw new IllegalArgumentException("unknown change " + change);
    }
  }

  /**
   * The changes that rebuild this pool as it is now: its runners, the commit each is testing,
   * and the queue in order.
   */
  List<PoolChange> snapshot() {
    return withLock(() -> {
      List<PoolChange> changes = new ArrayList<>();
      runners.keySet().forEach(runner -> changes.add(PoolChange.register(runner)));
      assigned.forEach((commit, runner) -> {
        changes.add(PoolChange.enqueue(commit));
        changes.add(PoolChange.assign(commit, runner));
      });
      pending.forEach(commit -> changes.add(PoolChange.enqueue(commit)));
      return changes;
    });
  }

  /** Returns once every change made so far is durable in the journal. */
  void sync() {
    Journal current = withLock(() -> journal);
    current.sync();
  }

  /** Rewrites the journal as a snapshot of the pool now. */
  void compactJournal() {
    withLock(() -> {
      journal.compact(snapshot());
      return null;
    });
  }

  /**
   * Adds a runner to the pool. A runner that registers again while the pool thinks it is testing
   * a commit has restarted and lost that run, so the commit goes back to the front of the queue;
   * unless its report {@linkplain #reportWaits waits} with it: then it registers because the
   * dispatcher refused that report, and nothing changes.
   *
   * @return the commit that was requeued, if any
   */
  Optional<CommitId> register(HostAndPort runner) {
    return withLock(() -> {
      if (runners.containsKey(runner)
          && (runners.get(runner) == null || reportsWaiting.contains(runners.get(runner)))) {
        return Optional.<CommitId>empty(); // already registered, idle or holding its report
      }
      record(PoolChange.register(runner));
      CommitId lost = runners.put(runner, null);
      if (lost != null) {
        assigned.remove(lost);
        pending.addFirst(lost);
        formerRunners.put(lost, runner);
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
        return Optional.<Removed>empty();
      }
      record(PoolChange.remove(runner));
      CommitId lost = runners.remove(runner);
      if (lost != null) {
        assigned.remove(lost);
        reportsWaiting.remove(lost);
        pending.addFirst(lost);
        formerRunners.put(lost, runner);
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
      record(PoolChange.enqueue(commit));
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
      if (!assigned.containsKey(commit) && !pending.contains(commit)) {
        return Optional.<HostAndPort>empty();
      }
      record(PoolChange.complete(commit));
      pending.remove(commit);
      reportsWaiting.remove(commit);
      formerRunners.remove(commit);
      HostAndPort runner = assigned.remove(commit);
      if (runner != null) {
        runners.put(runner, null);
        changed.signalAll();
      }
      return Optional.ofNullable(runner);
    });
  }

  /**
   * Records that the runner testing {@code commit} has sent its report, which could not be
   * stored: the runner keeps it and sends it again, so the commit stays with that runner, which
   * gets no other work meanwhile, and a {@link #register} from it changes nothing (a runner that
   * lost touch with the dispatcher registers again once its reports are refused, keeping them).
   * Kept in memory only: a restarted dispatcher gets the report again, as a runner delivers
   * everything once more after the dispatcher has been unreachable.
   *
   * @return false if the commit is not assigned (nothing to keep)
   */
  boolean reportWaits(CommitId commit) {
    return withLock(() -> {
      if (!assigned.containsKey(commit)) {
        return false;
      }
      reportsWaiting.add(commit);
      return true;
    });
  }

  /**
   * {@link #requeue}s {@code commit} if it is still assigned to {@code runner} and no report of
   * it waits with that runner.
   *
   * @return whether it was requeued
   */
  boolean requeueFrom(CommitId commit, HostAndPort runner) {
    return withLock(() -> {
      if (!runner.equals(assigned.get(commit)) || reportsWaiting.contains(commit)) {
        return false;
      }
      requeue(commit);
      return true;
    });
  }

  /** Whether the runner testing {@code commit} holds its report ({@link #reportWaits}). */
  boolean reportWaiting(CommitId commit) {
    return withLock(() -> reportsWaiting.contains(commit));
  }

  /** Puts a commit being tested back at the front of the queue and frees its runner. */
  void requeue(CommitId commit) {
    withLock(() -> {
      if (!assigned.containsKey(commit) && pending.contains(commit)) {
        return null;
      }
      record(PoolChange.requeue(commit));
      reportsWaiting.remove(commit);
      HostAndPort runner = assigned.remove(commit);
      if (runner != null) {
        runners.put(runner, null);
        formerRunners.put(commit, runner);
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
      record(PoolChange.assign(commit, runner));
      pending.remove(commit);
      runners.put(runner, commit);
      assigned.put(commit, runner);
      return true;
    });
  }

  /**
   * Who may deliver the result of {@code commit} now: the runner it is assigned to; the runner
   * that last had it before it went back to the queue (removed from the pool, registered again
   * or requeued), which may still be testing it or hold its report; and the runner it is being
   * offered to, which may answer and report faster than the offer's {@code OK} is read.
   */
  record Senders(Optional<HostAndPort> assigned, Optional<HostAndPort> former,
      Optional<HostAndPort> offered) {
    /** Every runner that may deliver the result. */
    List<HostAndPort> all() {
      List<HostAndPort> all = new ArrayList<>();
      assigned.ifPresent(all::add);
      former.ifPresent(all::add);
      offered.ifPresent(all::add);
      return all;
    }
  }

  /** {@link Senders} of {@code commit}, as the pool is now. */
  Senders senders(CommitId commit) {
    return withLock(() -> new Senders(Optional.ofNullable(assigned.get(commit)),
        Optional.ofNullable(formerRunners.get(commit)), Optional.ofNullable(offers.get(commit))));
  }

  /**
   * Records that {@code runtest:<commit>} is being sent to {@code runner}, until
   * {@link #offerEnded}: a runner that answers {@code OK} may ask ({@link #mayTest}) before the
   * dispatcher has read its answer.
   */
  void offering(CommitId commit, HostAndPort runner) {
    withLock(() -> offers.put(commit, runner));
  }

  /** The offer of {@code commit} has been answered, refused or has failed. */
  void offerEnded(CommitId commit) {
    withLock(() -> offers.remove(commit));
  }

  /**
   * Whether {@code runner} should test {@code commit}: it is assigned to that runner, or being
   * offered to it now. A runner that answered a {@code runtest} too late (it was frozen, and the
   * dispatcher gave the commit to another runner) gets false.
   */
  boolean mayTest(CommitId commit, HostAndPort runner) {
    return withLock(() -> runner.equals(assigned.get(commit)) || runner.equals(offers.get(commit)));
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

  /** Appends a change to the journal, and rewrites the journal when it has grown too long. */
  private void record(PoolChange change) {
    if (journal.wantsCompaction(runners.size() + 2 * assigned.size() + pending.size())) {
      journal.compact(snapshot());
    }
    journal.append(change);
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
