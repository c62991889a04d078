package dev.surveil.dispatcher;

import dev.surveil.cli.AuthOptions;
import dev.surveil.cli.CommandRunner;
import dev.surveil.cli.HostNames;
import dev.surveil.cli.ListenFailure;
import dev.surveil.cli.PortConverter;
import dev.surveil.cli.ShutdownHook;
import dev.surveil.cli.StartupException;
import dev.surveil.cli.SurveilVersion;
import dev.surveil.cli.Usage;
import dev.surveil.cli.Verbosity;
import dev.surveil.net.ServerOptions;
import dev.surveil.storage.FileProblem;
import dev.surveil.storage.FolderInUseException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dispatcher}: parses options and runs a {@link DispatcherService} until stopped. */
@Command(name = "dispatcher", mixinStandardHelpOptions = true,
    versionProvider = SurveilVersion.class,
    description = "Hands commits from the observer to test runners, watches runner health, "
        + "gives the work of dead runners to live ones and stores results.")
public final class DispatcherCommand implements Callable<Integer> {
  @Option(names = "--host", defaultValue = "localhost", paramLabel = "HOST",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "8888", paramLabel = "PORT",
      converter = PortConverter.class,
      description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 picks a free port).")
  int port;

  @Option(names = "--results-dir", defaultValue = "test_results", paramLabel = "DIR",
      description = "Folder for result files, one per commit (default: ${DEFAULT-VALUE}).")
  Path resultsDir;

  @Option(names = "--heartbeat-interval", defaultValue = "500ms", paramLabel = "DURATION",
      description = "How often every runner is pinged (default: ${DEFAULT-VALUE}).")
  Duration heartbeatInterval;

  @Option(names = "--heartbeat-timeout", defaultValue = "2s", paramLabel = "DURATION",
      description = "How long a runner may take to answer before it is removed from the pool "
          + "(default: ${DEFAULT-VALUE}).")
  Duration heartbeatTimeout;

  @Option(names = "--accept-unassigned-results",
      description = "Store a result for a commit that no runner was given (queued, or never "
          + "dispatched), whoever sends it, as the chapter's dispatcher does. Off: a result is "
          + "taken only from the host of the runner that has (or last had) the commit.")
  boolean acceptUnassignedResults;

  @Option(names = "--result-timeout", defaultValue = "15m", paramLabel = "DURATION",
      description = "After a runner has had a commit this long without a result, ask it with "
          + "runtest whether it still has it, and requeue the commit if not; keep it above the "
          + "runners' --test-timeout (default: ${DEFAULT-VALUE}).")
  Duration resultTimeout;

  @Mixin
  Verbosity verbosity;

  @Mixin
  AuthOptions auth;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    verbosity.apply("dispatcher");
    DispatcherService service = open(settings());
    auth.warnIfUnauthenticated("dispatcher", host);
    service.start();
    return ShutdownHook.whileRunning("dispatcher", service::close, Duration.ofSeconds(15), () -> {
      service.awaitClosed();
      return ExitCode.OK;
    });
  }

  /** The settings the options give; a value that can never work is a usage error. */
  private DispatcherSettings settings() throws IOException {
    InetSocketAddress address = HostNames.listenAddress(spec, "--host", host, port);
    if (Files.exists(resultsDir) && !Files.isDirectory(resultsDir)) {
      throw Usage.error(spec, "--results-dir", resultsDir, "not a folder");
    }
    return new DispatcherSettings(address, resultsDir, heartbeatInterval, heartbeatTimeout,
        auth.serverOptions(ServerOptions.DEFAULT), auth.signer())
        .withAcceptUnassignedResults(acceptUnassignedResults).withResultTimeout(resultTimeout);
  }

  /** Binds the port, then locks and reads the results folder; each failure is one line. */
  private DispatcherService open(DispatcherSettings settings) {
    try {
      return new DispatcherService(settings);
    } catch (FolderInUseException e) {
      throw StartupException.failure(e.getMessage(), e);
    } catch (SocketException e) {
      throw ListenFailure.describe("--host", host, "--port", port, e,
          "is another dispatcher running? Use --port to pick another");
    } catch (IOException e) {
      // the message names the operation and the file: cannot create lock file …: Permission…
      throw StartupException.failure(StartupException.option("--results-dir", resultsDir,
          FileProblem.describe(e)), e);
    }
  }

  public static void main(String[] args) {
    CommandRunner.main(new DispatcherCommand(), args);
  }
}
