package dev.surveil.observer;

import dev.surveil.cli.DurationConverter;
import dev.surveil.net.HostAndPort;
import dev.surveil.protocol.CommitId;
import dev.surveil.time.Ticker;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.JGitInternalException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The observer: polls its clone of the watched repository on a schedule and has the dispatcher
 * test every new commit, oldest first, retrying at the next poll whatever could not be pulled or
 * dispatched. Thread-safe.
 *
 * <p>Lifecycle: {@link #open} (or the constructor), {@link #start()} once, {@link #close()}
 * (idempotent). {@link #pollOnce()} may also be called without starting the schedule.
 *
 * <p>Threads: {@link #start()} starts one daemon thread, {@value #THREAD_NAME}, that polls, then
 * waits on a monitor for the poll interval; {@link #pollNow()} and {@link #close()} wake it early.
 * A poll blocks on the fetch from origin (bounded by the fetch timeout) and on the dispatcher
 * (bounded by {@link CommitNotifier}'s timeouts). {@link #pollOnce()} polls on the caller's
 * thread. One lock keeps polls from overlapping and guards the last dispatched commit.
 * {@link #close()} does not interrupt a poll in progress (JGit's file channels do not survive
 * interrupts); it waits for the thread to leave it, within a time limit.
 */
public final class ObserverService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ObserverService.class);
  /** The name of the polling thread. */
  public static final String THREAD_NAME = "observer-poller";
  private static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);
  private static final int NEW = 0;
  private static final int STARTED = 1;
  private static final int CLOSED = 2;

  private final RepositoryPoller poller;
  private final CommitNotifier notifier;
  private final Duration interval;
  private final long intervalNanos;
  private final Ticker ticker;
  private final AtomicInteger state = new AtomicInteger(NEW);
  private final ReentrantLock pollLock = new ReentrantLock();
  private final Object wakeUp = new Object();
  /** Guarded by {@link #pollLock}; empty while the clone has no commit. */
  private CommitId lastDispatched;
  /** Guarded by {@link #wakeUp}. */
  private boolean pollRequested;
  private volatile Thread thread;

  /**
   * A service that takes the clone's HEAD now as the last dispatched commit: what the clone
   * already has is not tested (the chapter's semantics).
   *
   * @throws IOException if the clone's HEAD cannot be read
   */
  public ObserverService(RepositoryPoller poller, CommitNotifier notifier, Duration interval,
      Ticker ticker) throws IOException {
    if (interval.compareTo(Duration.ofMillis(1)) < 0) {
      throw new IllegalArgumentException("poll interval must be at least 1ms: " + interval);
    }
    this.poller = poller;
    this.notifier = notifier;
    this.interval = interval;
    this.intervalNanos = interval.compareTo(Duration.ofDays(365 * 100)) > 0
        ? Long.MAX_VALUE : interval.toNanos();
    this.ticker = ticker;
    this.lastDispatched = poller.head().orElse(null);
  }

  /**
   * Opens the clone at {@code clone} and builds a service that dispatches to {@code dispatcher}.
   *
   * @throws UnusableCloneException with a one-line message for the user
   */
  public static ObserverService open(Path clone, HostAndPort dispatcher, Duration interval,
      boolean latestOnly) throws UnusableCloneException {
    RepositoryPoller poller = RepositoryPoller.open(clone);
    try {
      return new ObserverService(poller, CommitNotifier.create(dispatcher, latestOnly), interval,
          Ticker.SYSTEM);
    } catch (IOException e) {
      poller.close();
      throw new UnusableCloneException("cannot read HEAD of " + poller.path() + " ("
          + e.getMessage() + ")");
    } catch (RuntimeException e) {
      poller.close();
      throw e;
    }
  }

  /**
   * Starts polling: at once, then every interval.
   *
   * @throws IllegalStateException if already started or closed
   */
  public void start() {
    if (!state.compareAndSet(NEW, STARTED)) {
      throw new IllegalStateException("observer service already started or closed, state="
          + state.get());
    }
    log.info("observing {}; dispatcher {}; polling every {}", poller.path(),
        notifier.dispatcher(), DurationConverter.format(interval));
    Thread poll = new Thread(this::runLoop, THREAD_NAME);
    poll.setDaemon(true);
    thread = poll;
    poll.start();
  }

  /**
   * Asks the polling thread to poll as soon as it can, without waiting for the interval to end;
   * returns at once. A request made during a poll causes one more poll right after it.
   */
  public void pollNow() {
    synchronized (wakeUp) {
      pollRequested = true;
      wakeUp.notifyAll();
    }
  }

  /**
   * Polls once on the calling thread, waiting for a poll in progress to end first: pulls, and
   * dispatches what is new. Failures are logged, never thrown.
   *
   * @throws IllegalStateException if the service is closed
   */
  public void pollOnce() {
    pollLock.lock();
    try {
      if (state.get() == CLOSED) {
        throw new IllegalStateException("observer service is closed");
      }
      poll();
    } finally {
      pollLock.unlock();
    }
  }

  /** The newest commit that counts as dispatched, or empty if the clone had none at start. */
  public Optional<CommitId> lastDispatched() {
    pollLock.lock();
    try {
      return Optional.ofNullable(lastDispatched);
    } finally {
      pollLock.unlock();
    }
  }

  private void poll() {
    List<CommitId> fresh;
    try {
      fresh = poller.pullNewCommits(Optional.ofNullable(lastDispatched));
    } catch (IOException | GitAPIException | JGitInternalException e) {
      log.warn("could not pull {} from origin ({}); will retry at the next poll", poller.path(),
          describe(e));
      log.debug("pull failed", e);
      return;
    }
    if (fresh.isEmpty()) {
      return;
    }
    log.info("found {} new commit(s)", fresh.size());
    notifier.dispatch(fresh).ifPresent(commit -> lastDispatched = commit);
  }

  /** The exception's message and those of its causes that add something, on one line. */
  private static String describe(Throwable e) {
    StringBuilder text = new StringBuilder(e.getMessage() == null ? e.toString() : e.getMessage());
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      String message = cause.getMessage();
      if (message != null && text.indexOf(message) < 0) {
        text.append(": ").append(message);
      }
    }
    return text.toString().replace('\n', ' ');
  }

  private void runLoop() {
    log.debug("poller started; commits after {} are new", lastDispatched());
    do {
      pollLock.lock();
      try {
        if (state.get() == CLOSED) {
          break;
        }
        poll();
      } catch (RuntimeException e) {
        log.error("poll failed unexpectedly; will retry at the next poll", e);
      } finally {
        pollLock.unlock();
      }
    } while (awaitNextPoll());
    log.debug("poller stopped");
  }

  /** Waits for the interval, {@link #pollNow()} or {@link #close()}; false when closing. */
  private boolean awaitNextPoll() {
    long remaining = intervalNanos;
    synchronized (wakeUp) {
      try {
        while (!pollRequested && state.get() != CLOSED && remaining > 0) {
          long start = ticker.read();
          TimeUnit.NANOSECONDS.timedWait(wakeUp, remaining);
          remaining -= ticker.read() - start;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      pollRequested = false;
      return state.get() != CLOSED;
    }
  }

  /** Blocks until the polling thread has ended, i.e. until the service is closed. */
  public void awaitTermination() throws InterruptedException {
    Thread poll = thread;
    if (poll != null) {
      poll.join();
    }
  }

  /** Closes with a 30 s limit; see {@link #close(Duration)}. */
  @Override
  public void close() {
    close(DEFAULT_CLOSE_TIMEOUT);
  }

  /**
   * Stops polling: the thread ends between polls (or after the poll in progress), then the
   * clone is closed. Idempotent.
   *
   * @throws IllegalStateException if the polling thread was still running after {@code timeout}
   *     (it is then interrupted)
   */
  public void close(Duration timeout) {
    if (state.getAndSet(CLOSED) == CLOSED) {
      return;
    }
    synchronized (wakeUp) {
      wakeUp.notifyAll();
    }
    Thread poll = thread;
    boolean stopped = poll == null || join(poll, timeout);
    if (!stopped) {
      poll.interrupt();
      stopped = join(poll, Duration.ofSeconds(1));
    }
    if (stopped) {
      pollLock.lock(); // a pollOnce() caller may still be polling
      try {
        poller.close();
      } finally {
        pollLock.unlock();
      }
    } else {
      throw new IllegalStateException(THREAD_NAME + " still running " + timeout + " after close");
    }
    log.info("observer stopped");
  }

  private static boolean join(Thread thread, Duration timeout) {
    try {
      thread.join(Math.max(1, timeout.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !thread.isAlive();
  }
}
