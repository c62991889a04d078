package dev.surveil.runner;

import dev.surveil.auth.RequestSigner;
import dev.surveil.lifecycle.Closer;
import dev.surveil.lifecycle.Lifecycle;
import dev.surveil.net.LineServer;
import dev.surveil.net.ServerOptions;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Register;
import dev.surveil.runner.execution.TestExecutor;
import dev.surveil.time.Backoff;
import dev.surveil.time.Durations;
import dev.surveil.time.Ticker;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The test runner (the chapter's {@code test_runner.py}): listens for the dispatcher's
 * {@code ping} and {@code runtest}, tests each commit it is given, keeps each report in its
 * {@link ReportOutbox} until the dispatcher has it, and registers with the dispatcher (again
 * whenever it is dropped from the pool). It never stops because the dispatcher is away.
 * Thread-safe.
 *
 * <p>Lifecycle: construct, {@link #start()} once, then {@link #stop(Duration)} (graceful) or
 * {@link #close()} (immediate); both are idempotent and may be called from any thread.
 * {@link #awaitStop()} blocks until the runner has stopped.
 *
 * <p>Threads: {@code runner-accept} accepts connections; each request is answered on a pooled
 * {@code runner-conn} thread, which never waits for a test; the one {@code runner-test} thread
 * checks out and tests a commit and puts the report in the outbox (it may block on git and the
 * tests, each with a timeout); the daemon {@code runner-dispatcher-link} delivers reports,
 * registers and watches for pings (it may block on a call to the dispatcher, with timeouts).
 * {@code close()} stops them all, each with a bounded wait.
 */
public final class RunnerService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RunnerService.class);

  private final RunnerSettings settings;
  private final Ticker ticker;
  private final TestRequestHandler handler;
  private final DispatcherLink link;
  private final DispatcherClaims claims;
  private final ServerOptions serverOptions;
  private final Lifecycle state = new Lifecycle("runner");
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile LineServer server;

  /**
   * A runner whose reports wait in {@link RepositoryCheckout#outbox()}.
   *
   * @throws IOException if the outbox folder cannot be created or read
   */
  public RunnerService(RunnerSettings settings, RepositoryCheckout checkout, TestExecutor executor,
      Ticker ticker) throws IOException {
    this(settings, checkout, executor, ticker, DispatcherLink.standardBackoff());
  }

  RunnerService(RunnerSettings settings, RepositoryCheckout checkout, TestExecutor executor,
      Ticker ticker, Backoff backoff) throws IOException {
    this.settings = settings;
    this.ticker = ticker;
    ReportOutbox outbox = ReportOutbox.open(checkout.outbox());
    DispatcherContact contact = new DispatcherContact(ticker);
    DispatcherClient client = new DispatcherClient(settings.dispatcher(),
        settings.secret().map(RequestSigner::new));
    this.claims = new DispatcherClaims(client);
    this.handler = new TestRequestHandler(contact,
        new CommitTestJob(checkout, executor, outbox, ticker), this::jobEnded,
        outbox::holds, claims);
    this.link = new DispatcherLink(outbox, client, handler, contact,
        settings.dispatcherCheckInterval(), ticker, backoff);
    // A runner is never sent a report: refuse a results request from its header. With a
    // secret, every request must be signed with it (one verifier, one replay cache).
    this.serverOptions = ServerOptions.DEFAULT.withMaxReportBytes(0)
        .withSecret(settings.secret());
  }

  // Jobs run only once the server has started, long after the constructor set the link.
  private void jobEnded() {
    link.wake(); // deliver the job's report now, or register if that waited for the job
  }

  /**
   * Binds the first free port of the range, then starts delivering the outbox and registering
   * with the dispatcher in the background: an unreachable dispatcher is retried, not an error.
   * On failure the runner is closed.
   *
   * @throws IOException if no port of the range can be bound ({@link BindException} when each
   *     is in use, or the host is not this machine's)
   * @throws IllegalStateException if called twice or after {@link #close()}
   */
  public void start() throws IOException {
    state.start();
    try {
      server = bind();
      if (!state.isStarted()) {
        server.close(); // closed while binding
        throw new IllegalStateException("runner closed while starting");
      }
      int port = server.localAddress().getPort();
      log.info("runner listening on {}:{}", settings.host(), port);
      Register registration = new Register(new HostAndPort(settings.host(), port));
      claims.registeredAs(registration);
      link.start(registration);
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * The address the runner listens on.
   *
   * @throws IllegalStateException if not started
   */
  public InetSocketAddress localAddress() {
    LineServer bound = server;
    if (bound == null) {
      throw new IllegalStateException("runner not started");
    }
    return bound.localAddress();
  }

  /**
   * Binds the first free port of the range. A failure other than a port in use (say, a host that
   * is not this machine's) ends the search: no other port would do better.
   *
   * @throws BindException the last port's failure, if none could be bound
   */
  private LineServer bind() throws IOException {
    PortRange ports = settings.ports();
    BindException lastFailure = null;
    for (int port = ports.first(); port <= ports.last(); port++) {
      LineServer candidate = new LineServer("runner",
          new InetSocketAddress(settings.host(), port), handler, serverOptions, ticker);
      try {
        candidate.start();
        return candidate;
      } catch (BindException e) {
        if (!String.valueOf(e.getMessage()).contains("in use")) {
          throw e;
        }
        log.debug("port={} is taken: {}", port, e.getMessage());
        lastFailure = e;
      }
    }
    throw lastFailure;
  }

  /** Blocks until the runner has stopped. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /**
   * Stops gracefully (SIGTERM, Ctrl-C): answers {@code BUSY} to every new {@code runtest}, lets
   * the running job finish and its report be delivered (if the dispatcher can be reached) for at
   * most {@code grace}, then {@link #close() closes}, killing a job still running. The dispatcher
   * then misses the runner's pong and gives that job's commit to another runner. Reports not
   * delivered stay in the outbox for the next start. Idempotent.
   *
   * @throws IllegalStateException as {@link #close()} does
   */
  public void stop(Duration grace) {
    if (state.isStarted()) {
      long deadline = ticker.read() + grace.toNanos();
      try {
        CommitId running = handler.stopTakingWork();
        boolean jobDone = true;
        if (running != null) {
          log.info("stopping: waiting up to {} for commit {} to finish",
              Durations.format(grace), running);
          jobDone = handler.awaitNoJob(left(deadline));
          if (!jobDone) {
            log.warn("commit {} did not finish within {}; stopping its test run", running,
                Durations.format(grace));
          }
        }
        if (jobDone && !link.awaitDelivered(left(deadline))) {
          log.info("stopping with undelivered reports; they are delivered at the next start");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    close();
  }

  private Duration left(long deadlineNanos) {
    return Duration.ofNanos(Math.max(0, deadlineNanos - ticker.read()));
  }

  /**
   * Stops at once: the dispatcher link, the server and any running test job (which is
   * interrupted, its test run killed, and reports nothing). Idempotent; a second caller returns
   * at once.
   *
   * @throws IllegalStateException if a component does not stop in time (the others still stop)
   */
  @Override
  public void close() {
    if (!state.close()) {
      return;
    }
    RuntimeException failure = null;
    try (Closer components = new Closer()) { // closed last registered first
      components.register(handler);
      components.register(server);
      components.register(link);
    } catch (RuntimeException e) {
      failure = new IllegalStateException("runner did not close cleanly: " + e.getMessage(), e);
    }
    stopped.countDown();
    log.info("runner stopped");
    if (failure != null) {
      throw failure;
    }
  }
}
