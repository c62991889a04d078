package dev.surveil.testing;

import ch.qos.logback.classic.Level;
import dev.surveil.net.ServerOptions;

/**
 * What a test of one of the dispatcher's clients (the observer, the runner) stands on: a master
 * repository, a {@link FakeDispatcher} and a {@link LogRecorder} on the client's package.
 * {@link #close()} closes the dispatcher, checks that the test took every request it got, then
 * stops recording and deletes the repository. Not thread-safe.
 */
public final class DispatcherClientFixture implements AutoCloseable {
  private final GitRepoFixture repo;
  private final LogRecorder logs;
  private FakeDispatcher dispatcher;

  private DispatcherClientFixture(GitRepoFixture repo, LogRecorder logs) {
    this.repo = repo;
    this.logs = logs;
  }

  /**
   * Records {@code loggerName} at {@code level} and above, and starts a dispatcher reading
   * requests with {@code dispatcherOptions}, for a client of {@code repo}; closes {@code repo}
   * if that fails.
   */
  public static DispatcherClientFixture create(String loggerName, Level level,
      GitRepoFixture repo, ServerOptions dispatcherOptions) {
    DispatcherClientFixture fixture =
        new DispatcherClientFixture(repo, LogRecorder.record(loggerName, level));
    try {
      fixture.dispatcher = FakeDispatcher.start(dispatcherOptions);
      return fixture;
    } catch (RuntimeException e) {
      try {
        fixture.logs.close();
      } finally {
        repo.close();
      }
      throw e;
    }
  }

  public GitRepoFixture repo() {
    return repo;
  }

  public FakeDispatcher dispatcher() {
    return dispatcher;
  }

  public LogRecorder logs() {
    return logs;
  }

  /** Closes the dispatcher and starts a new one on {@code port} reading with {@code options}. */
  public FakeDispatcher restartDispatcher(int port, ServerOptions options) {
    dispatcher.close();
    dispatcher = FakeDispatcher.start(port, options);
    return dispatcher;
  }

  @Override
  public void close() {
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
