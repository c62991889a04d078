package dev.surveil.cli;

import dev.surveil.protocol.HostAndPort;
import java.net.InetSocketAddress;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Looks up the host names given on the command line at start-up, so that a name that does not
 * resolve is one usage error naming its option ({@code --host nosuchhost.invalid: cannot resolve
 * host name}) rather than an {@code Unresolved address} later. A name is looked up once, here;
 * an address that resolves but cannot be reached is the program's business, not a start-up
 * error. Stateless.
 */
public final class HostNames {
  private HostNames() {}

  /**
   * The address to listen on, {@code host} (the value of {@code option}) resolved.
   *
   * @throws ParameterException (a usage error of {@code spec}'s command) if {@code host} does
   *     not resolve
   */
  public static InetSocketAddress listenAddress(CommandSpec spec, String option, String host,
      int port) {
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw Usage.error(spec, option, host, "cannot resolve host name");
    }
    return address;
  }

  /**
   * Checks that the host of {@code address}, the value of {@code option}, resolves.
   *
   * @throws ParameterException (a usage error of {@code spec}'s command) if it does not
   */
  public static void requireResolvable(CommandSpec spec, String option, HostAndPort address) {
    if (address.toSocketAddress().isUnresolved()) {
      throw Usage.error(spec, option, address, "cannot resolve host name " + address.host());
    }
  }
}
