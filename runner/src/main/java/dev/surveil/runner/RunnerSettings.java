package dev.surveil.runner;

import dev.surveil.auth.Secret;
import dev.surveil.protocol.HostAndPort;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a runner is set up, fixed before it starts. Immutable.
 *
 * @param host the address the runner binds and gives the dispatcher when it registers
 * @param ports the ports to try, in order
 * @param dispatcher the dispatcher's address
 * @param dispatcherCheckInterval how long the runner waits without a ping before it asks
 *     whether the dispatcher is still there
 * @param secret if present, the runner signs what it sends the dispatcher and refuses requests
 *     not signed with it; if empty, nothing is authenticated
 */
public record RunnerSettings(String host, PortRange ports, HostAndPort dispatcher,
    Duration dispatcherCheckInterval, Optional<Secret> secret) {

  /** Settings without a secret: nothing is authenticated. */
  public RunnerSettings(
      String host, PortRange ports, HostAndPort dispatcher, Duration dispatcherCheckInterval) {
    this(host, ports, dispatcher, dispatcherCheckInterval, Optional.empty());
  }

  public RunnerSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(ports, "ports");
    Objects.requireNonNull(dispatcher, "dispatcher");
    if (dispatcherCheckInterval.isNegative() || dispatcherCheckInterval.isZero()) {
      throw new IllegalArgumentException(
          "dispatcherCheckInterval must be positive: " + dispatcherCheckInterval);
    }
  }
}
