package dev.surveil.cli;

import java.io.IOException;
import java.net.BindException;
import java.util.Locale;

/**
 * Why a program could not listen on its address, as one line naming the option to change:
 * {@code --port 8888: already in use on localhost; is another dispatcher running? ...}. The
 * reason comes from the operating system's message (Linux wording). Stateless.
 */
public final class ListenFailure {
  private ListenFailure() {}

  /**
   * The failure to bind {@code host}:{@code port}, the values of {@code hostOption} and
   * {@code portOption}.
   *
   * @param inUseHint what to do when the port is taken, e.g. {@code is another observer
   *     running? Use --notify-port to pick another port}
   */
  public static StartupException describe(String hostOption, String host, String portOption,
      int port, IOException e, String inUseHint) {
    String reason = e.getMessage() == null ? e.toString() : e.getMessage();
    String lower = reason.toLowerCase(Locale.ROOT);
    String message;
    if (lower.contains("already in use")) {
      message = StartupException.option(portOption, port, "already in use on " + host + "; "
          + inUseHint);
    } else if (lower.contains("assign requested address")) {
      message = StartupException.option(hostOption, host, "not an address of this machine ("
          + reason + "); give one of its names or addresses, or 0.0.0.0 for all");
    } else if (lower.contains("permission denied") && e instanceof BindException) {
      message = StartupException.option(portOption, port, "permission denied; ports below 1024"
          + " need root, pick a higher one");
    } else if (lower.contains("unresolved")) {
      message = StartupException.option(hostOption, host, "cannot resolve host name");
    } else {
      message = hostOption + " " + host + " " + portOption + " " + port + ": cannot listen ("
          + reason + ")";
    }
    return StartupException.failure(message, e);
  }
}
