package dev.surveil.runner;

import dev.surveil.net.LineServer;
import dev.surveil.net.ServerOptions;
import dev.surveil.protocol.Register;
import dev.surveil.protocol.Reply;
import dev.surveil.runner.execution.TestExecutor;
import dev.surveil.time.Ticker;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The test runner (the chapter's {@code test_runner.py}): listens for the dispatcher's
 * {@code ping} and {@code runtest}, registers with the dispatcher, tests each commit it is given
 * and reports the results, and shuts down when the dispatcher is gone. Thread-safe.
 *
 * <p>Lifecycle: construct, {@link #start()} once, {@link #close()} (idempotent, from any thread).
 * {@link #awaitStop()} blocks until the runner has been closed.
 *
 * <p>Threads: {@code runner-accept} accepts connections; each request is answered on a pooled
 * {@code runner-conn} thread, which never waits for a test; the one {@code runner-test} thread
 * checks out, tests and reports a commit (it may block on git, the tests and the dispatcher, each
 * with a timeout); the daemon {@code runner-dispatcher-checker} waits on the time of last contact
 * and may block on a status check. {@code close()} stops them all, each with a bounded wait.
 */
public final class RunnerService implements AutoCloseable {
  /** Why the runner stopped. */
  public enum StopReason {
    /** {@link #close()} was called. */
    CLOSED,
    /** The dispatcher stopped answering, so the runner shut itself down. */
    DISPATCHER_GONE
  }

  private static final Logger log = LoggerFactory.getLogger(RunnerService.class);
  private static final int NEW = 0;
  private static final int STARTED = 1;
  private static final int CLOSED = 2;

  private final RunnerSettings settings;
  private final Ticker ticker;
  private final DispatcherClient dispatcher;
  private final TestRequestHandler handler;
  private final DispatcherChecker checker;
  private final AtomicInteger state = new AtomicInteger(NEW);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile StopReason stopReason = StopReason.CLOSED;
  private volatile LineServer server;

  public RunnerService(RunnerSettings settings, RepositoryCheckout checkout, TestExecutor executor,
      Ticker ticker) {
    this.settings = settings;
    this.ticker = ticker;
    this.dispatcher = new DispatcherClient(settings.dispatcher());
    DispatcherContact contact = new DispatcherContact(ticker);
    this.handler = new TestRequestHandler(contact,
        new CommitTestJob(checkout, executor, dispatcher, ticker));
    this.checker = new DispatcherChecker(contact, settings.dispatcherCheckInterval(), dispatcher,
        () -> stop(StopReason.DISPATCHER_GONE));
  }

  /**
   * Binds the first free port of the range, registers with the dispatcher and starts checking
   * that the dispatcher is still there. On failure the runner is closed.
   *
   * @throws IOException with a one-line message, if no port is free or registration fails
   * @throws IllegalStateException if called twice or after {@link #close()}
   */
  public void start() throws IOException {
    if (!state.compareAndSet(NEW, STARTED)) {
      throw new IllegalStateException("runner already started or closed, state=" + state.get());
    }
    try {
      server = bind();
      if (state.get() != STARTED) {
        server.close(); // closed while binding
        throw new IllegalStateException("runner closed while starting");
      }
      int port = server.localAddress().getPort();
      log.info("runner listening on {}:{}", settings.host(), port);
      register(port);
      checker.start();
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

  private LineServer bind() throws IOException {
    PortRange ports = settings.ports();
    BindException lastFailure = null;
    for (int port = ports.first(); port <= ports.last(); port++) {
      LineServer candidate = new LineServer("runner",
          new InetSocketAddress(settings.host(), port), handler,
          // a runner is never sent a report: refuse a results request from its header
          ServerOptions.DEFAULT.withMaxReportBytes(0), ticker);
      try {
        candidate.start();
        return candidate;
      } catch (BindException e) {
        log.debug("port={} is taken: {}", port, e.getMessage());
        lastFailure = e;
      }
    }
    throw new BindException("cannot listen on " + settings.host() + " port " + ports + ": "
        + (ports.first() == ports.last() ? "" : "no free port; last error: ")
        + lastFailure.getMessage());
  }

  private void register(int port) throws IOException {
    String failure = "cannot register with dispatcher " + dispatcher.address() + ": ";
    Reply reply;
    try {
      reply = dispatcher.send(new Register(settings.host(), port));
    } catch (IOException e) {
      throw new IOException(failure + e.getMessage() + "; is the dispatcher running?", e);
    }
    if (reply != Reply.OK) {
      throw new IOException(failure + "it answered '" + reply.text() + "'");
    }
    log.info("registered with dispatcher {}", dispatcher.address());
  }

  /** Blocks until the runner has been closed, and says why it stopped. */
  public StopReason awaitStop() throws InterruptedException {
    stopped.await();
    return stopReason;
  }

  private void stop(StopReason reason) {
    stopReason = reason;
    close();
  }

  /**
   * Stops the dispatcher checker, the server and any running test job (which is interrupted).
   * Idempotent; a second caller returns at once.
   *
   * @throws IllegalStateException if a component does not stop in time (the others still stop)
   */
  @Override
  public void close() {
    if (state.getAndSet(CLOSED) == CLOSED) {
      return;
    }
    RuntimeException failure = null;
    for (AutoCloseable component : new AutoCloseable[] {checker, server, handler}) {
      try {
        if (component != null) {
          component.close();
        }
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("runner did not close cleanly: " + e.getMessage(), e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    stopped.countDown();
    log.info("runner stopped");
    if (failure != null) {
      throw failure;
    }
  }
}
