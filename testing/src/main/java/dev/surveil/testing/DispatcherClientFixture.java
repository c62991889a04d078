package dev.surveil.testing;

import ch.qos.logback.classic.Level;
import dev.surveil.net.ServerOptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a test of one of the dispatcher's clients (the observer, the runner) stands on: a master
 * repository, a {@link FakeDispatcher} and a {@link LogRecorder} on the client's package. A
 * subclass adds the client; {@link #close()} closes it ({@link #closeClient()}), then the
 * dispatcher, checks that the test took every request it got, stops recording and deletes the
 * repository. As a {@code @RegisterExtension} field it is closed after each test, after the
 * test's own {@code @AfterEach} methods. Not thread-safe.
 */
public abstract class DispatcherClientFixture implements AutoCloseable, AfterEachCallback {
  private final GitRepoFixture repo;
  private final LogRecorder logs;
  private FakeDispatcher dispatcher;

  /**
   * Records {@code loggerName} at {@code level} and above, and starts a dispatcher reading
   * requests with {@code dispatcherOptions}, for a client of {@code repo}; closes {@code repo}
   * if that fails.
   */
  protected DispatcherClientFixture(String loggerName, Level level, GitRepoFixture repo,
      ServerOptions dispatcherOptions) {
    this.repo = repo;
    LogRecorder recorder = null;
    try {
      recorder = LogRecorder.record(loggerName, level);
      dispatcher = FakeDispatcher.start(dispatcherOptions);
    } catch (RuntimeException e) {
      try {
        if (recorder != null) {
          recorder.close();
        }
      } finally {
        repo.close();
      }
      throw e;
    }
    this.logs = recorder;
  }

  public final GitRepoFixture repo() {
    return repo;
  }

  public final FakeDispatcher dispatcher() {
    return dispatcher;
  }

  public final LogRecorder logs() {
    return logs;
  }

  /** Closes the dispatcher and starts a new one on {@code port} reading with {@code options}. */
  protected final FakeDispatcher restartDispatcher(int port, ServerOptions options) {
    dispatcher.close();
    dispatcher = FakeDispatcher.start(port, options);
    return dispatcher;
  }

  /** Closes what the subclass added, and checks it left nothing behind; harmless twice. */
  protected abstract void closeClient();

  @Override
  public final void afterEach(ExtensionContext context) {
    close();
  }

  @Override
  public final void close() {
    try {
      closeClient();
    } finally {
      try {
        dispatcher.close();
        dispatcher.assertNoMoreRequests();
      } finally {
        try {
          logs.close();
        } finally {
          repo.close();
        }
      }
    }
  }
}
