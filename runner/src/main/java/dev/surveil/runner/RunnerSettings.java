package dev.surveil.runner;

import dev.surveil.net.HostAndPort;
import java.time.Duration;
import java.util.Objects;

/**
 * How a runner is set up, fixed before it starts. Immutable.
 *
 * @param host the address the runner binds and gives the dispatcher when it registers
 * @param ports the ports to try, in order
 * @param dispatcher the dispatcher's address
 * @param dispatcherCheckInterval how long the runner waits without a ping before it asks
 *     whether the dispatcher is still there
 */
public record RunnerSettings(
    String host, PortRange ports, HostAndPort dispatcher, Duration dispatcherCheckInterval) {

  public RunnerSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(ports, "ports");
    Objects.requireNonNull(dispatcher, "dispatcher");
    if (dispatcherCheckInterval.isNegative() || dispatcherCheckInterval.isZero()) {
      throw new IllegalArgumentException(
          "dispatcherCheckInterval must be positive: " + dispatcherCheckInterval);
    }
  }
}
