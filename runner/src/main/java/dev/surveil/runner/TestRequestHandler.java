package dev.surveil.runner;

import dev.surveil.net.MessageHandler;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Ping;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Request;
import dev.surveil.protocol.RunTest;
import dev.surveil.time.Ticker;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the dispatcher (the chapter's {@code TestHandler}): {@code ping} records the contact
 * and gets {@code pong}, always; {@code runtest} starts a {@link TestJob} on the
 * {@code runner-test} thread and gets {@code OK} at once, or {@code BUSY} while a job runs and
 * once the runner is stopping; anything else gets {@code Invalid command}. Thread-safe.
 *
 * <p>A {@code runtest} for the commit being tested, or for a commit whose report waits in the
 * outbox, gets {@code OK} and starts nothing: the dispatcher asks so when a result is overdue,
 * and the runner still has it. Before a job tests its commit, it asks the {@link OfferCheck}
 * whether the commit is still this runner's, and ends at once if not.
 */
public final class TestRequestHandler implements MessageHandler, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TestRequestHandler.class);
  /** How long {@link #close()} waits for an interrupted job to end. */
  private static final Duration JOB_STOP_LIMIT = Duration.ofSeconds(10);

  private final DispatcherContact contact;
  private final TestJob job;
  private final Runnable jobEnded;
  private final Predicate<CommitId> reportWaits;
  private final OfferCheck offers;
  private final AtomicBoolean busy = new AtomicBoolean();
  private final ExecutorService jobs =
      Executors.newSingleThreadExecutor(task -> new Thread(task, "runner-test"));
  private boolean stopping; // guarded by this
  private int jobsInFlight; // guarded by this: accepted and not yet ended
  private CommitId lastAccepted; // guarded by this

  public TestRequestHandler(DispatcherContact contact, TestJob job) {
    this(contact, job, () -> { });
  }

  /**
   * @param jobEnded called on the {@code runner-test} thread after each job has ended
   */
  public TestRequestHandler(DispatcherContact contact, TestJob job, Runnable jobEnded) {
    this(contact, job, jobEnded, commit -> false, OfferCheck.ALWAYS);
  }

  /**
   * @param jobEnded called on the {@code runner-test} thread after each job has ended
   * @param reportWaits whether the report of a commit waits for delivery
   * @param offers asked before each job tests its commit
   */
  TestRequestHandler(DispatcherContact contact, TestJob job, Runnable jobEnded,
      Predicate<CommitId> reportWaits, OfferCheck offers) {
    this.contact = contact;
    this.job = job;
    this.jobEnded = jobEnded;
    this.reportWaits = reportWaits;
    this.offers = offers;
  }

  @Override
  public Reply handle(Request request) {
    if (request instanceof Ping) {
      contact.record();
      return Reply.PONG;
    } else if (request instanceof RunTest runTest) {
      return startJob(runTest.commit());
    }
    return Reply.INVALID_COMMAND;
  }

  /** Whether a job is running (or about to); the next one is accepted once this is false. */
  public boolean isBusy() {
    return busy.get();
  }

  private Reply startJob(CommitId commit) {
    synchronized (this) {
      if (stopping) {
        log.debug("stopping; refusing commit={}", commit);
        return Reply.BUSY;
      }
      if (jobsInFlight > 0 && commit.equals(lastAccepted)) {
        log.info("asked again for commit {}, which this runner is testing", commit);
        return Reply.OK;
      }
      if (reportWaits.test(commit)) {
        log.info("asked again for commit {}, whose report waits for delivery", commit);
        return Reply.OK;
      }
      if (!busy.compareAndSet(false, true)) {
        log.debug("busy; refusing commit={}", commit);
        return Reply.BUSY;
      }
      jobsInFlight++;
      lastAccepted = commit;
    }
    try {
      jobs.execute(() -> runJob(commit));
    } catch (RejectedExecutionException e) {
      jobDone();
      busy.set(false);
      log.debug("shutting down; refusing commit={}", commit);
      return Reply.BUSY;
    }
    return Reply.OK;
  }

  private void runJob(CommitId commit) {
    // Released once per job, when the tests are done or when the job ends, whichever is first;
    // releasing twice would clear the flag of the next job, accepted in between.
    AtomicBoolean released = new AtomicBoolean();
    Runnable release = () -> {
      if (released.compareAndSet(false, true)) {
        busy.set(false);
      }
    };
    try {
      if (offers.stillOffered(commit)) {
        job.run(commit, release);
      }
    } catch (InterruptedException e) {
      log.info("stopped testing commit {}: the runner is shutting down", commit);
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("testing commit {} failed", commit, e);
    } finally {
      // whatever happened, the runner takes work again (the chapter's stays BUSY forever)
      release.run();
      jobDone();
      jobEnded.run();
    }
  }

  private synchronized void jobDone() {
    jobsInFlight--;
    notifyAll();
  }

  /** Whether no job is running or accepted: each job has put its report away by then. */
  synchronized boolean isIdle() {
    return jobsInFlight == 0;
  }

  /**
   * From now on answers {@code BUSY} to every {@code runtest}; a job already accepted runs on.
   *
   * @return the commit being tested, or null if no job is running
   */
  synchronized CommitId stopTakingWork() {
    stopping = true;
    return jobsInFlight > 0 ? lastAccepted : null;
  }

  /** Waits at most {@code limit} until no job runs; true if none does. */
  synchronized boolean awaitNoJob(Duration limit) throws InterruptedException {
    long deadline = Ticker.SYSTEM.read() + limit.toNanos();
    long left;
    while (jobsInFlight > 0 && (left = deadline - Ticker.SYSTEM.read()) > 0) {
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return jobsInFlight == 0;
  }

  /**
   * Refuses new jobs, interrupts a running one (its test run is killed) and waits up to 10
   * seconds for it to end. Idempotent.
   *
   * @throws IllegalStateException if the job is still running after the wait
   */
  @Override
  public void close() {
    synchronized (this) {
      stopping = true;
    }
    jobs.shutdownNow();
    try {
      if (!jobs.awaitTermination(JOB_STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("test job still running " + JOB_STOP_LIMIT
            + " after it was interrupted");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
