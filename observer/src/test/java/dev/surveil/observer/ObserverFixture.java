package dev.surveil.observer;

import ch.qos.logback.classic.Level;
import dev.surveil.auth.Secret;
import dev.surveil.net.ServerOptions;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Dispatch;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Request;
import dev.surveil.protocol.Status;
import dev.surveil.storage.FolderInUseException;
import dev.surveil.testing.DispatcherClientFixture;
import dev.surveil.testing.FakeDispatcher;
import dev.surveil.testing.GitRepoFixture;
import dev.surveil.testing.LiveThreads;
import dev.surveil.testing.LogRecorder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What an observer test needs: a real master repository holding the basic tests, the observer's
 * clone of it, an in-process {@link FakeDispatcher} and a {@link LogRecorder} on
 * {@code dev.surveil.observer}. {@link #close()} closes every service made with {@link #observe}
 * and checks that no observer thread is left, then closes the rest as a
 * {@link DispatcherClientFixture} does; as a {@code @RegisterExtension} field it is closed after
 * each test. Not thread-safe.
 */
final class ObserverFixture extends DispatcherClientFixture {
  /** A poll interval no test waits for: polls happen only when a test asks. */
  static final Duration NO_SCHEDULE = Duration.ofHours(1);

  private final Path clone;
  private final List<ObserverService> services = new ArrayList<>();

  private ObserverFixture(Level level, GitRepoFixture repo) {
    super("dev.surveil.observer", level, repo, ServerOptions.DEFAULT);
    try {
      clone = repo.cloneTo("obs");
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  static ObserverFixture create() {
    return create(Level.INFO);
  }

  /** A fixture on the basic tests, recording log lines at {@code level} and above. */
  static ObserverFixture create(Level level) {
    return create(level, GitRepoFixture.createWithBasicTests());
  }

  /** A fixture recording log lines at {@code level} and above, on {@code repo}. */
  static ObserverFixture create(Level level, GitRepoFixture repo) {
    return new ObserverFixture(level, repo);
  }

  Path clonePath() {
    return clone;
  }

  /** Closes the dispatcher and starts a new one on {@code port}. */
  FakeDispatcher restartDispatcherOn(int port) {
    return restartDispatcher(port, ServerOptions.DEFAULT);
  }

  /**
   * Closes the dispatcher and starts a new one on a free port that reads requests with
   * {@code options}, e.g. verifying them with a secret.
   */
  FakeDispatcher restartDispatcherWith(ServerOptions options) {
    return restartDispatcher(0, options);
  }

  /** A service on the clone, closed by {@link #close()}. */
  ObserverService observe(HostAndPort address, Duration interval, InetSocketAddress notify)
      throws UnusableCloneException, FolderInUseException {
    return observe(address, interval, notify, Optional.empty());
  }

  /** A service on the clone with {@code secret}, closed by {@link #close()}. */
  ObserverService observe(HostAndPort address, Duration interval, InetSocketAddress notify,
      Optional<Secret> secret) throws UnusableCloneException, FolderInUseException {
    ObserverService service = ObserverService.open(new ObserverSettings(clone, address, interval,
        false, Optional.ofNullable(notify), secret));
    services.add(service);
    return service;
  }

  /** A service on the clone that dispatches to the fake dispatcher and polls when asked. */
  ObserverService observe() throws UnusableCloneException, FolderInUseException {
    return observe(dispatcher().address(), NO_SCHEDULE, null);
  }

  /** The requests of one batch: {@code status}, then one dispatch per commit. */
  static List<Request> batch(String... commits) {
    List<Request> requests = new ArrayList<>();
    requests.add(new Status());
    for (String commit : commits) {
      requests.add(new Dispatch(new CommitId(commit)));
    }
    return requests;
  }

  Path stateFile() {
    return clone.resolve(".git").resolve(ObserverStateFile.NAME);
  }

  /** The commit the clone's state file names, or empty if there is no state file. */
  Optional<String> state() {
    try {
      return Files.exists(stateFile()) ? Optional.of(Files.readString(stateFile()).strip())
          : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether a live thread's name starts with {@code prefix}. */
  static boolean threadAlive(String prefix) {
    return !LiveThreads.named(prefix).isEmpty();
  }

  private void closeServices() {
    RuntimeException failure = null;
    for (ObserverService service : services) {
      try {
        service.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  protected void closeClient() {
    closeServices();
    // a pool's thread may still be returning from run() when close() has seen its work end
    LiveThreads.awaitNoneNamed(Duration.ofSeconds(5), ObserverService.THREAD_NAME,
        ObserverService.NOTIFY_SERVER);
  }
}
