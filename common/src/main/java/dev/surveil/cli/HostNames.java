package dev.surveil.cli;

import dev.surveil.net.HostAndPort;
import java.net.InetSocketAddress;

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
   * The address to listen on, {@code host} resolved.
   *
   * @throws StartupException (usage) if {@code host} does not resolve
   */
  public static InetSocketAddress listenAddress(String option, String host, int port) {
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw cannotResolve(option, host);
    }
    return address;
  }

  /**
   * Checks that the host of {@code address}, the value of {@code option}, resolves.
   *
   * @throws StartupException (usage) if it does not
   */
  public static void requireResolvable(String option, HostAndPort address) {
    if (address.toSocketAddress().isUnresolved()) {
      throw usage(option, address.toString(), "cannot resolve host name " + address.host());
    }
  }

  private static StartupException cannotResolve(String option, String host) {
    return usage(option, host, "cannot resolve host name");
  }

  private static StartupException usage(String option, String value, String reason) {
    return StartupException.usage(StartupException.option(option, value, reason));
  }
}
