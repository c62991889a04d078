package dev.surveil.testing;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every program that listens on a port does with a bad value of its port option, checked
 * the same way for each (see {@link CommandLineContract}).
 */
public interface PortOptionContract extends CommandLineContract {
  /** The option that names the port the program listens on, e.g. {@code --port}. */
  String portOption();

  @Test
  default void valueThatIsNotAPortIsAUsageError() {
    for (String port : List.of("70000", "65536", "-1", "+80", "http", "")) {
      runWithRequired(portOption(), port).assertUsageError(portOption() + " " + (port.isEmpty() ? "''" : port)
          + ": not a port; give 0 to 65535");
    }
  }
}
