package dev.surveil.runner;

import dev.surveil.net.HostAndPort;
import dev.surveil.net.ServerOptions;
import dev.surveil.protocol.Register;
import dev.surveil.auth.Secret;
import dev.surveil.runner.execution.TestExecutor;
import dev.surveil.testing.FakeDispatcher;
import dev.surveil.testing.GitRepoFixture;
import dev.surveil.testing.LogRecorder;
import dev.surveil.time.Backoff;
import dev.surveil.time.Ticker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a runner socket test needs: a real master repository holding the basic tests, the
 * runner's checkout of a clone of it, an in-process {@link FakeDispatcher}, a {@link LogRecorder}
 * on {@code dev.surveil.runner} and the one {@link RunnerService} the test builds on them. As a
 * {@code @RegisterExtension} field it is closed after each test (after the test's own
 * {@code @AfterEach}): see {@link #close()}. Not thread-safe.
 */
final class RunnerFixture implements AutoCloseable, AfterEachCallback {
  /** A status-check interval no test waits for. */
  static final Duration NEVER = Duration.ofMinutes(10);
  /** Retries as the runner does, only faster. */
  static final Backoff TEST_BACKOFF = new Backoff(Duration.ofMillis(20), Duration.ofMillis(200));

  private final LogRecorder logs;
  private final GitRepoFixture repo;
  private final RepositoryCheckout checkout;
  private final FakeDispatcher dispatcher;
  private RunnerService runner;

  private RunnerFixture(LogRecorder logs, GitRepoFixture repo, ServerOptions dispatcherOptions) {
    this.logs = logs;
    this.repo = repo;
    try {
      this.checkout = RepositoryCheckout.open(repo.cloneTo("runner"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.dispatcher = FakeDispatcher.start(dispatcherOptions);
  }

  static RunnerFixture create() {
    return create(ServerOptions.DEFAULT);
  }

  /** A fixture whose dispatcher reads requests with {@code options}, e.g. with a secret. */
  static RunnerFixture create(ServerOptions dispatcherOptions) {
    LogRecorder logs = LogRecorder.record("dev.surveil.runner");
    GitRepoFixture repo = null;
    try {
      repo = GitRepoFixture.createWithBasicTests();
      return new RunnerFixture(logs, repo, dispatcherOptions);
    } catch (RuntimeException e) {
      try {
        if (repo != null) {
          repo.close();
        }
      } finally {
        logs.close();
      }
      throw e;
    }
  }

  GitRepoFixture repo() {
    return repo;
  }

  RepositoryCheckout checkout() {
    return checkout;
  }

  FakeDispatcher dispatcher() {
    return dispatcher;
  }

  LogRecorder logs() {
    return logs;
  }

  /** Settings for a runner on localhost that reports to the fake dispatcher, without a secret. */
  RunnerSettings settings(PortRange ports, Duration checkInterval) {
    return settings(ports, checkInterval, Optional.empty());
  }

  RunnerSettings settings(PortRange ports, Duration checkInterval, Optional<Secret> secret) {
    return new RunnerSettings("localhost", ports, dispatcher.address(), checkInterval, secret);
  }

  /** Builds the runner on the checkout, not started yet; {@link #close()} closes it. */
  RunnerService build(RunnerSettings settings, TestExecutor executor) throws IOException {
    if (runner != null) {
      throw new IllegalStateException("one runner per test; already built: " + runner);
    }
    runner = new RunnerService(settings, checkout, executor, Ticker.SYSTEM, TEST_BACKOFF);
    return runner;
  }

  /** Builds and starts the runner on the checkout. */
  RunnerService start(RunnerSettings settings, TestExecutor executor) throws IOException {
    build(settings, executor).start();
    return runner;
  }

  /** The runner's own address, where its {@code runtest} and {@code ping} go. */
  HostAndPort runnerAddress() {
    return new HostAndPort("localhost", runner.localAddress().getPort());
  }

  /** The registration the started runner sends: localhost and its bound port. */
  Register registration() {
    return new Register("localhost", runner.localAddress().getPort());
  }

  /** Closes the runner, if one was built; closing it again is harmless. */
  void closeRunner() {
    if (runner != null) {
      runner.close();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }

  /**
   * Closes the runner and the dispatcher, checks that the dispatcher got no request the test left
   * unchecked and that no runner thread is left, then stops recording and deletes the
   * repositories.
   */
  @Override
  public void close() {
    try {
      try {
        closeRunner();
      } finally {
        dispatcher.close();
      }
      dispatcher.assertNoMoreRequests();
      RunnerThreads.awaitNoneAlive();
    } finally {
      try {
        logs.close();
      } finally {
        checkout.close();
        repo.close();
      }
    }
  }
}
