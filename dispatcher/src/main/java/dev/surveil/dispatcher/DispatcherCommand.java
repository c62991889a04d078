package dev.surveil.dispatcher;

import dev.surveil.cli.AuthOptions;
import dev.surveil.cli.CommandRunner;
import dev.surveil.cli.DurationConverter;
import dev.surveil.cli.ShutdownHook;
import dev.surveil.cli.Verbosity;
import dev.surveil.net.ServerOptions;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dispatcher}: parses options and runs a {@link DispatcherService} until stopped. */
@Command(name = "dispatcher", mixinStandardHelpOptions = true, version = "Surveil 0.1.0",
    description = "Hands commits from the observer to test runners, watches runner health, "
        + "gives the work of dead runners to live ones and stores results.")
public final class DispatcherCommand implements Callable<Integer> {
  @Option(names = "--host", defaultValue = "localhost", paramLabel = "HOST",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "8888", paramLabel = "PORT",
      description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 picks a free port).")
  int port;

  @Option(names = "--results-dir", defaultValue = "test_results", paramLabel = "DIR",
      description = "Folder for result files, one per commit (default: ${DEFAULT-VALUE}).")
  Path resultsDir;

  @Option(names = "--heartbeat-interval", defaultValue = "500ms", paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How often every runner is pinged (default: ${DEFAULT-VALUE}).")
  Duration heartbeatInterval;

  @Option(names = "--heartbeat-timeout", defaultValue = "2s", paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long a runner may take to answer before it is removed from the pool "
          + "(default: ${DEFAULT-VALUE}).")
  Duration heartbeatTimeout;

  @Mixin
  Verbosity verbosity;

  @Mixin
  AuthOptions auth;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    verbosity.apply("dispatcher");
    if (port < 0 || port > 65535) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--port must be between 0 and 65535, not " + port);
    }
    DispatcherService.Config config = new DispatcherService.Config(
        new InetSocketAddress(host, port), resultsDir, heartbeatInterval, heartbeatTimeout,
        auth.serverOptions(ServerOptions.DEFAULT), auth.signer());
    auth.warnIfUnauthenticated("dispatcher", host);
    DispatcherService service = new DispatcherService(config);
    try {
      service.start();
    } catch (BindException e) {
      throw new IllegalStateException("cannot listen on " + host + ":" + port + " ("
          + e.getMessage() + "); is another dispatcher running? Use --port to pick another");
    }
    ShutdownHook.install("dispatcher", service::close, Duration.ofSeconds(15));
    service.awaitClosed();
    return 0;
  }

  public static void main(String[] args) {
    DispatcherCommand command = new DispatcherCommand();
    System.exit(CommandRunner.commandLine(command,
        () -> command.verbosity != null && command.verbosity.verbose()).execute(args));
  }
}
