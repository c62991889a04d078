package dev.surveil.runner;

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
import dev.surveil.runner.execution.JUnitSourceExecutor;
import dev.surveil.runner.execution.ShellCommandExecutor;
import dev.surveil.runner.execution.TestExecutor;
import dev.surveil.storage.FolderInUseException;
import dev.surveil.time.Ticker;
import java.io.IOException;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The {@code runner} program: its options, and the wiring of a {@link RunnerService}. Not
 * thread-safe (one use per instance), except {@link #stop()}.
 */
@Command(name = "runner", mixinStandardHelpOptions = true, versionProvider = SurveilVersion.class,
    description = "Registers with the dispatcher, then checks out and tests in REPO each commit"
        + " the dispatcher sends, and reports the results back.")
public final class RunnerCommand implements Callable<Integer> {
  /**
   * How long the shutdown hook waits beyond {@code --stop-timeout}: closing may wait for a call
   * to the dispatcher in flight (12 s), the server's connections (5 s) and a killed job (10 s).
   */
  private static final Duration CLOSE_LIMIT = Duration.ofSeconds(30);

  @Mixin
  private Verbosity verbosity = new Verbosity();

  @Mixin
  private AuthOptions auth;

  @Option(names = "--host", defaultValue = "localhost", paramLabel = "HOST",
      description = "Address to listen on and to register with the dispatcher"
          + " (default: ${DEFAULT-VALUE}).")
  private String host;

  @Option(names = "--port", paramLabel = "PORT", converter = PortConverter.class,
      description = "Port to listen on; 0 picks any free port"
          + " (default: the first free port in 8900-9000).")
  private Integer port;

  @Mixin
  private DispatcherAddress dispatcher;

  @Option(names = "--test-timeout", defaultValue = "10m", paramLabel = "DURATION",
      description = "Kill a test run that takes longer, e.g. 90s or 10m"
          + " (default: ${DEFAULT-VALUE}).")
  private Duration testTimeout;

  @Option(names = "--test-command", paramLabel = "CMD",
      description = "Run CMD through the shell in REPO instead of compiling and running the"
          + " JUnit tests in tests/; exit status 0 means the commit passed.")
  private String testCommand;

  @Option(names = "--dispatcher-check-interval", defaultValue = "2s", paramLabel = "DURATION",
      description = "After this long without a ping, ask the dispatcher for its status and, if"
          + " it answers, register again: it has dropped this runner. Keep it longer than the"
          + " dispatcher's heartbeat interval (default: ${DEFAULT-VALUE}).")
  private Duration dispatcherCheckInterval;

  @Option(names = "--stop-timeout", defaultValue = "30s", paramLabel = "DURATION",
      description = "On SIGTERM or Ctrl-C, take no new commit and wait this long for the commit"
          + " being tested to finish and its report to be delivered; then kill the test run"
          + " (default: ${DEFAULT-VALUE}).")
  private Duration stopTimeout;

  @Parameters(index = "0", paramLabel = "REPO",
      description = "The runner's own clone of the repository to test.")
  private Path repository;

  @Spec
  private CommandSpec spec;

  private volatile RunnerService service;

  public static void main(String[] args) {
    CommandRunner.main(new RunnerCommand(), args);
  }

  @Override
  public Integer call() throws Exception {
    verbosity.apply("runner");
    checkOptions();
    RunnerSettings settings = new RunnerSettings(host,
        port == null ? PortRange.DEFAULT : PortRange.of(port), dispatcher.resolved(),
        dispatcherCheckInterval, auth.secret()); // a token problem is thrown: one line, exit 1
    try (RepositoryCheckout checkout = openClone();
        RunnerService runner = new RunnerService(settings, checkout, executor(checkout),
            Ticker.SYSTEM)) {
      service = runner;
      return ShutdownHook.whileRunning("runner", this::stop, stopTimeout.plus(CLOSE_LIMIT), () -> {
        start(runner);
        auth.warnIfUnauthenticated("runner", host);
        runner.awaitStop();
        return ExitCode.OK;
      });
    }
  }

  private TestExecutor executor(RepositoryCheckout checkout) {
    return testCommand == null
        ? new JUnitSourceExecutor(testTimeout, checkout.workRoot())
        : new ShellCommandExecutor(testCommand, testTimeout, checkout.workRoot());
  }

  /** Refuses, as a usage error, a value that can never work. */
  private void checkOptions() {
    if (testCommand != null && testCommand.isBlank()) {
      throw Usage.error(spec, "--test-command", testCommand, "must not be empty");
    }
    HostNames.listenAddress(spec, "--host", host, 0);
  }

  /** The clone, locked for this runner: a usage error if it is unusable, a failure if in use. */
  private RepositoryCheckout openClone() {
    try {
      return RepositoryCheckout.open(repository);
    } catch (FolderInUseException e) {
      throw StartupException.failure(e.getMessage(), e);
    } catch (IOException e) {
      throw Usage.error(spec, e.getMessage());
    }
  }

  private void start(RunnerService runner) throws IOException {
    try {
      runner.start();
    } catch (SocketException e) {
      if (port == null && String.valueOf(e.getMessage()).contains("in use")) {
        throw StartupException.failure("--port: every port in " + PortRange.DEFAULT
            + " is in use on " + host + "; give --port 0 to take any free port", e);
      }
      throw ListenFailure.describe("--host", host, "--port",
          port == null ? PortRange.DEFAULT.first() : port, e,
          "is another runner using it? Use --port to pick another, or 0 for any free port");
    }
  }

  /** Stops the runner gracefully, within {@code --stop-timeout}, as SIGTERM does. */
  void stop() {
    RunnerService runner = service;
    if (runner != null) {
      runner.stop(stopTimeout);
    }
  }

}
