package dev.surveil.observer;

import dev.surveil.cli.AuthOptions;
import dev.surveil.cli.CommandRunner;
import dev.surveil.cli.DispatcherAddress;
import dev.surveil.cli.HostNames;
import dev.surveil.cli.ListenFailure;
import dev.surveil.cli.PortConverter;
import dev.surveil.cli.ShutdownHook;
import dev.surveil.cli.StartupException;
import dev.surveil.cli.SurveilVersion;
import dev.surveil.cli.Usage;
import dev.surveil.cli.Verbosity;
import dev.surveil.storage.FolderInUseException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The {@code observer} program: parses its options, opens the clone and runs an
 * {@link ObserverService} until the process is stopped. Not thread-safe (one use per instance).
 */
@Command(name = "observer", mixinStandardHelpOptions = true,
    versionProvider = SurveilVersion.class,
    description = "Watches a git repository through its own clone and asks the dispatcher to"
        + " test every new commit, oldest first.")
public final class ObserverCommand implements Callable<Integer> {
  /**
   * How long closing waits for the dispatch in flight (at most one connect and one read
   * timeout of {@link CommitNotifier}) before it interrupts the poll.
   */
  private static final Duration CLOSE_LIMIT = Duration.ofSeconds(12);
  /** How long the shutdown hook waits for the close: longer, so the close can end by itself. */
  private static final Duration SHUTDOWN_LIMIT = Duration.ofSeconds(15);

  @Mixin
  private Verbosity verbosity;

  @Mixin
  private AuthOptions auth;

  @Mixin
  private DispatcherAddress dispatcher;

  @Option(names = "--poll-interval", paramLabel = "DURATION", defaultValue = "5s",
      description = "Time between two polls of the repository, e.g. 500ms, 5s, 1m"
          + " (default: ${DEFAULT-VALUE}).")
  private Duration pollInterval;

  @Option(names = "--latest-only",
      description = "Dispatch only the newest commit of each poll, as the chapter's observer"
          + " does, instead of every new commit.")
  private boolean latestOnly;

  @Option(names = "--notify-port", paramLabel = "PORT", defaultValue = "8889",
      converter = PortConverter.class,
      description = "Port to listen on for 'notify' from repository hooks (scripts/notify),"
          + " which makes the observer poll at once (default: ${DEFAULT-VALUE}; 0 picks a free"
          + " port).")
  private int notifyPort;

  @Option(names = "--notify-host", paramLabel = "HOST", defaultValue = "localhost",
      description = "Address to listen on for 'notify' (default: ${DEFAULT-VALUE}).")
  private String notifyHost;

  @Parameters(index = "0", paramLabel = "REPO",
      description = "The observer's own clone of the repository to watch; it is reset and pulled"
          + " from its 'origin' remote at every poll.")
  private Path repo;

  @Spec
  private CommandSpec spec;

  public static void main(String[] args) {
    CommandRunner.main(new ObserverCommand(), args);
  }

  @Override
  public Integer call() throws Exception {
    verbosity.apply("observer");
    ObserverService service = open(settings());
    return ShutdownHook.whileRunning("observer", () -> service.close(CLOSE_LIMIT), SHUTDOWN_LIMIT,
        () -> {
          start(service);
          auth.warnIfUnauthenticated("observer", notifyHost);
          service.awaitTermination();
          return ExitCode.OK;
        });
  }

  /** The settings the options give; a value that can never work is a usage error. */
  private ObserverSettings settings() throws IOException {
    if (pollInterval.compareTo(Duration.ofMillis(1)) < 0) {
      throw Usage.error(spec, "--poll-interval", pollInterval, "shorter than 1ms");
    }
    InetSocketAddress notifyAddress =
        HostNames.listenAddress(spec, "--notify-host", notifyHost, notifyPort);
    // a token problem is thrown: one line, exit 1
    return new ObserverSettings(repo, dispatcher.resolved(), pollInterval, latestOnly,
        Optional.of(notifyAddress), auth.secret());
  }

  /** The service on the clone, locked: a usage error if it is unusable, a failure if in use. */
  private ObserverService open(ObserverSettings settings) {
    try {
      return ObserverService.open(settings);
    } catch (UnusableCloneException e) {
      throw Usage.error(spec, e.getMessage());
    } catch (FolderInUseException e) {
      throw StartupException.failure(e.getMessage(), e);
    }
  }

  /** Listens for notify and starts polling; a failure is one line naming what to change. */
  private void start(ObserverService service) throws IOException {
    try {
      service.start();
    } catch (SocketException e) {
      throw ListenFailure.describe("--notify-host", notifyHost, "--notify-port", notifyPort, e,
          "is another observer running? Use --notify-port to pick another port (0 picks a free"
              + " one)");
    } catch (IOException e) {
      throw StartupException.failure("REPO " + repo + ": " + e.getMessage(), e);
    }
  }
}
