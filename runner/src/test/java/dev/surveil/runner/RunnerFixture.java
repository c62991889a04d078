package dev.surveil.runner;

import ch.qos.logback.classic.Level;
import dev.surveil.auth.Secret;
import dev.surveil.net.LineClient;
import dev.surveil.net.ServerOptions;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Register;
import dev.surveil.runner.execution.TestExecutor;
import dev.surveil.testing.DispatcherClientFixture;
import dev.surveil.testing.FakeDispatcher;
import dev.surveil.testing.GitRepoFixture;
import dev.surveil.testing.LogRecorder;
import dev.surveil.time.Backoff;
import dev.surveil.time.Ticker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * What a runner socket test needs: a real master repository holding the basic tests, the
 * runner's checkout of a clone of it, an in-process {@link FakeDispatcher}, a {@link LogRecorder}
 * on {@code dev.surveil.runner} and the one {@link RunnerService} the test builds on them. As a
 * {@code @RegisterExtension} field it is closed after each test (after the test's own
 * {@code @AfterEach}): the runner first, checking that no runner thread is left, then the rest
 * as a {@link DispatcherClientFixture} does. Not thread-safe.
 */
final class RunnerFixture extends DispatcherClientFixture {
  /** A status-check interval no test waits for. */
  static final Duration NEVER = Duration.ofMinutes(10);
  /** Retries as the runner does, only faster. */
  static final Backoff TEST_BACKOFF = new Backoff(Duration.ofMillis(20), Duration.ofMillis(200));

  private final RepositoryCheckout checkout;
  private final LineClient client = new LineClient(Duration.ofSeconds(2), Duration.ofSeconds(10));
  private final CountDownLatch release = new CountDownLatch(1);
  private RunnerService runner;

  private RunnerFixture(ServerOptions dispatcherOptions) {
    super("dev.surveil.runner", Level.INFO, GitRepoFixture.createWithBasicTests(),
        dispatcherOptions);
    try {
      checkout = RepositoryCheckout.open(repo().cloneTo("runner"));
    } catch (IOException | RuntimeException e) {
      close();
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  static RunnerFixture create() {
    return create(ServerOptions.DEFAULT);
  }

  /** A fixture whose dispatcher reads requests with {@code options}, e.g. with a secret. */
  static RunnerFixture create(ServerOptions dispatcherOptions) {
    return new RunnerFixture(dispatcherOptions);
  }

  RepositoryCheckout checkout() {
    return checkout;
  }

  /** A client without a secret, e.g. for the runner's own address. */
  LineClient client() {
    return client;
  }

  /**
   * A latch for {@link FakeTestExecutor#blockingUntil}: open once the test opens it, or when the
   * runner is closed, so that no test job is left blocked.
   */
  CountDownLatch release() {
    return release;
  }

  /** Settings for a runner on localhost that reports to the fake dispatcher, without a secret. */
  RunnerSettings settings(PortRange ports, Duration checkInterval) {
    return settings(ports, checkInterval, Optional.empty());
  }

  RunnerSettings settings(PortRange ports, Duration checkInterval, Optional<Secret> secret) {
    return new RunnerSettings("localhost", ports, dispatcher().address(), checkInterval, secret);
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
    return new Register(new HostAndPort("localhost", runner.localAddress().getPort()));
  }

  /**
   * Opens {@link #release()} and closes the runner, if one was built; closing it again is
   * harmless.
   */
  void closeRunner() {
    release.countDown();
    if (runner != null) {
      runner.close();
    }
  }

  @Override
  protected void closeClient() {
    try {
      closeRunner();
      RunnerThreads.awaitNoneAlive();
    } finally {
      if (checkout != null) {
        checkout.close();
      }
    }
  }
}
