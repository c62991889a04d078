package dev.surveil.cli;

import dev.surveil.protocol.HostAndPort;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code --dispatcher-server} option of the programs that talk to the dispatcher (a picocli
 * mixin), read by {@link HostPortConverter}. Not thread-safe (filled in by picocli, then read).
 */
public final class DispatcherAddress {
  @Option(names = "--dispatcher-server", paramLabel = "HOST:PORT", defaultValue = "localhost:8888",
      converter = HostPortConverter.class,
      description = "The dispatcher's address (default: ${DEFAULT-VALUE}).")
  private HostAndPort address;

  @Spec(Spec.Target.MIXEE)
  private CommandSpec program;

  /**
   * The dispatcher's address, its host name looked up once.
   *
   * @throws ParameterException (a usage error of the program) if the host name does not resolve
   */
  public HostAndPort resolved() {
    HostNames.requireResolvable(program, "--dispatcher-server", address);
    return address;
  }
}
