package dev.surveil.observer;

import dev.surveil.auth.RequestSigner;
import dev.surveil.auth.Secret;
import dev.surveil.lifecycle.Lifecycle;
import dev.surveil.net.LineServer;
import dev.surveil.net.ServerOptions;
import dev.surveil.protocol.CommitId;
import dev.surveil.storage.FolderInUseException;
import dev.surveil.time.Durations;
import dev.surveil.time.Ticker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.JGitInternalException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The observer: polls its clone of the watched repository on a schedule and has the dispatcher
 * test every new commit, oldest first. It records each commit the dispatcher acknowledges in
 * the clone's state file ({@link DispatchProgress}) and resumes after it when restarted, so it
 * neither skips nor re-dispatches history. Thread-safe.
 *
 * <p>Lifecycle: {@link #open} (or the constructor), {@link #start()} once, {@link #close()}
 * (idempotent). {@link #pollOnce()} may also be called without starting the schedule.
 *
 * <p>Threads: {@link #start()} starts the {@link PollingThread}, {@value #THREAD_NAME}, which
 * polls at the interval, sooner while the dispatcher is down, and at once after
 * {@link #pollNow()}. With a notify address, {@link #start()} also starts a {@link LineServer}
 * ({@value #NOTIFY_SERVER} threads) whose {@link NotifyHandler} calls {@link #pollNow()}. A poll
 * blocks on the fetch from origin (bounded by the fetch timeout) and on the dispatcher (bounded
 * by {@link CommitNotifier}'s timeouts). {@link #pollOnce()} polls on the caller's thread. One
 * lock keeps polls from overlapping and guards the {@link DispatchProgress}. {@link #close()}
 * does not interrupt a poll (JGit's file channels do not survive interrupts): the poll finishes
 * the dispatch in flight, dispatches nothing more, and the thread ends.
 */
public final class ObserverService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ObserverService.class);
  /** The name of the polling thread. */
  public static final String THREAD_NAME = PollingThread.NAME;
  /** The name of the notify server, the prefix of its thread names. */
  public static final String NOTIFY_SERVER = "observer-notify";
  private static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final RepositoryPoller poller;
  private final CommitNotifier notifier;
  private final Duration interval;
  private final PollSchedule schedule;
  private final PollingThread pollingThread;
  private final LineServer notifyServer; // null without a notify address
  private final Lifecycle state = new Lifecycle("observer service");
  private final ReentrantLock pollLock = new ReentrantLock();
  private DispatchProgress progress; // guarded by pollLock; null until the observer starts

  /**
   * A service that, once started, resumes where the clone's state file says (see
   * {@link DispatchProgress#resume}). Nothing is read or written until then.
   *
   * @param notifyAddress where {@link #start()} listens for {@code notify}; null for nowhere
   * @param notifyOptions how the notify server reads requests; with a verifier, it refuses
   *     every request not signed with its secret
   */
  public ObserverService(RepositoryPoller poller, CommitNotifier notifier, Duration interval,
      InetSocketAddress notifyAddress, ServerOptions notifyOptions, Ticker ticker) {
    if (interval.compareTo(Duration.ofMillis(1)) < 0) {
      throw new IllegalArgumentException("poll interval must be at least 1ms: " + interval);
    }
    this.poller = poller;
    this.notifier = notifier;
    this.interval = interval;
    this.schedule = new PollSchedule(ticker);
    this.pollingThread = new PollingThread(this::pollIfOpen, schedule, interval);
    this.notifyServer = notifyAddress == null ? null : new LineServer(NOTIFY_SERVER,
        notifyAddress, new NotifyHandler(this::pollNow), notifyOptions, ticker);
  }

  /**
   * Opens the clone {@code settings} names and builds a service that dispatches to its dispatcher
   * and, once started, listens for {@code notify} on its notify address, if it has one.
   *
   * @throws UnusableCloneException with a one-line message for the user
   * @throws FolderInUseException if another observer or a runner has the clone
   */
  public static ObserverService open(ObserverSettings settings)
      throws UnusableCloneException, FolderInUseException {
    RepositoryPoller poller = RepositoryPoller.open(settings.repository());
    try {
      Optional<Secret> secret = settings.secret();
      CommitNotifier notifier = CommitNotifier.create(settings.dispatcher(),
          settings.latestOnly(), secret.map(RequestSigner::new));
      return new ObserverService(poller, notifier, settings.pollInterval(),
          settings.notifyAddress().orElse(null), ServerOptions.DEFAULT.withSecret(secret),
          Ticker.SYSTEM);
    } catch (RuntimeException e) {
      poller.close();
      throw e;
    }
  }

  /**
   * Listens for {@code notify} (given a notify address), then reads the state file (recording
   * the clone's HEAD there if it names no commit), then starts polling: at once, then every
   * interval. If the notify address cannot be bound, the service is closed and the state file
   * is neither read nor written: a start that failed leaves no trace.
   *
   * @throws java.net.SocketException if the notify address cannot be bound
   *     ({@link java.net.BindException} when the port is taken)
   * @throws IOException if the clone's HEAD cannot be read or the state file cannot be written
   * @throws IllegalStateException if already started or closed
   */
  public void start() throws IOException {
    state.start();
    try {
      if (notifyServer != null) {
        notifyServer.start();
        InetSocketAddress bound = notifyServer.localAddress();
        log.info("listening for notify on {}:{}", bound.getHostString(), bound.getPort());
      }
      pollLock.lock();
      try {
        begin();
      } finally {
        pollLock.unlock();
      }
    } catch (IOException | RuntimeException e) {
      state.close();
      schedule.close();
      if (notifyServer != null) {
        notifyServer.close();
      }
      poller.close();
      throw e;
    }
    log.info("observing {}; dispatcher {}; polling every {}", poller.path(),
        notifier.dispatcher(), Durations.format(interval));
    pollingThread.start();
  }

  /**
   * The address the notify server is bound to, with the real port when 0 was asked for.
   *
   * @throws IllegalStateException if there is no notify server or it is not started
   */
  public InetSocketAddress notifyAddress() {
    if (notifyServer == null) {
      throw new IllegalStateException("observer has no notify address");
    }
    return notifyServer.localAddress();
  }

  /**
   * Asks the polling thread to poll as soon as it can, without waiting for the interval to end;
   * returns at once. Requests made before the poll starts make one poll; a request made during
   * a poll causes one more poll right after it.
   */
  public void pollNow() {
    schedule.requestPoll();
  }

  /**
   * Polls once on the calling thread, waiting for a poll in progress to end first: pulls, and
   * dispatches what is new. Without {@link #start()}, the first call reads (or records) the
   * state file first, as a start does. Failures are logged, never thrown.
   *
   * @throws IllegalStateException if the service is closed
   */
  public void pollOnce() {
    pollLock.lock();
    try {
      if (state.isClosed()) {
        throw new IllegalStateException("observer service is closed");
      }
      begin();
      poll();
    } catch (IOException e) {
      log.warn("cannot read HEAD of {} or record it in its state file ({}); not polling",
          poller.path(), e.getMessage());
    } finally {
      pollLock.unlock();
    }
  }

  /** Reads (or records) the state file, once; under the poll lock. */
  private void begin() throws IOException {
    if (progress == null) {
      progress = DispatchProgress.resume(poller);
    }
  }

  /**
   * The newest commit that counts as dispatched; empty if the clone had none at start, or if
   * the observer has not started (nor polled) yet.
   */
  public Optional<CommitId> lastDispatched() {
    pollLock.lock();
    try {
      return progress == null ? Optional.empty() : progress.last();
    } finally {
      pollLock.unlock();
    }
  }

  /** A poll unless closed; true if the dispatcher is down. Runs on the polling thread. */
  private boolean pollIfOpen() {
    pollLock.lock();
    try {
      return !state.isClosed() && poll();
    } catch (RuntimeException e) {
      log.error("poll failed unexpectedly; will retry at the next poll", e);
      return false;
    } finally {
      pollLock.unlock();
    }
  }

  /** One poll, under the poll lock; true if the dispatcher is down and worth retrying soon. */
  private boolean poll() {
    List<CommitId> fresh;
    try {
      fresh = poller.pullNewCommits(progress.last());
    } catch (IOException | GitAPIException | JGitInternalException e) {
      log.warn("could not pull {} from origin ({}); will retry at the next poll", poller.path(),
          describe(e));
      log.debug("pull failed", e);
      return false;
    }
    if (fresh.isEmpty() || state.isClosed()) {
      return false; // when closing, what was pulled is dispatched after a restart
    }
    log.info("found {} new commit(s)", fresh.size());
    CommitNotifier.Outcome outcome = notifier.dispatch(fresh, progress::advance,
        state::isClosed);
    return outcome == CommitNotifier.Outcome.DISPATCHER_DOWN;
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

  /** Blocks until the polling thread has ended, i.e. until the service is closed. */
  public void awaitTermination() throws InterruptedException {
    pollingThread.awaitTermination();
  }

  /** Closes with a 30 s limit; see {@link #close(Duration)}. */
  @Override
  public void close() {
    close(DEFAULT_CLOSE_TIMEOUT);
  }

  /**
   * Stops: closes the notify server, lets the polling thread finish the dispatch in flight (its
   * commit recorded in the state file) and end without dispatching more, then closes the clone.
   * Idempotent.
   *
   * @throws IllegalStateException if the polling thread was still running after {@code timeout}
   *     (it is then interrupted)
   */
  public void close(Duration timeout) {
    if (!state.close()) {
      return;
    }
    schedule.close();
    try {
      if (notifyServer != null) {
        notifyServer.close();
      }
    } finally {
      pollingThread.close(timeout); // throws if still running: the clone stays open for it
      pollLock.lock(); // a pollOnce() caller may still be polling
      try {
        poller.close();
      } finally {
        pollLock.unlock();
      }
    }
    log.info("observer stopped");
  }
}
