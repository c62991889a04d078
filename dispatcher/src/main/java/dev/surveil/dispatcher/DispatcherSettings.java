package dev.surveil.dispatcher;

import dev.surveil.auth.RequestSigner;
import dev.surveil.net.ServerOptions;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How a dispatcher is set up, fixed before it starts: built by {@link DispatcherCommand} from
 * its options, or by a test. Immutable.
 *
 * @param bindAddress where to listen for observers and runners
 * @param resultsDir where result files are written
 * @param heartbeatInterval how often every runner is pinged
 * @param heartbeatTimeout how long a runner may take to connect and answer a ping or runtest
 * @param serverOptions how requests are read and, with a secret, verified
 * @param signer signs the requests sent to runners, when there is a secret
 * @param acceptUnassignedResults whether a result for a commit no runner had is stored,
 *     whoever sends it (see {@link DispatchHandler})
 * @param resultTimeout how long a runner may have a commit before the dispatcher asks it
 *     whether it still has it, and requeues the commit if not
 */
public record DispatcherSettings(InetSocketAddress bindAddress, Path resultsDir,
    Duration heartbeatInterval, Duration heartbeatTimeout, ServerOptions serverOptions,
    Optional<RequestSigner> signer, boolean acceptUnassignedResults, Duration resultTimeout) {
  /** The default {@link #resultTimeout}: a runner's default test timeout, 10 min, and more. */
  public static final Duration DEFAULT_RESULT_TIMEOUT = Duration.ofMinutes(15);

  public DispatcherSettings {
    if (resultTimeout.isNegative() || resultTimeout.isZero()) {
      throw new IllegalArgumentException("resultTimeout must be positive: " + resultTimeout);
    }
  }

  /** Settings that refuse results for commits no runner had, with the default result timeout. */
  public DispatcherSettings(InetSocketAddress bindAddress, Path resultsDir,
      Duration heartbeatInterval, Duration heartbeatTimeout, ServerOptions serverOptions,
      Optional<RequestSigner> signer) {
    this(bindAddress, resultsDir, heartbeatInterval, heartbeatTimeout, serverOptions, signer,
        false, DEFAULT_RESULT_TIMEOUT);
  }

  /** Settings whose requests to runners are not signed. */
  public DispatcherSettings(InetSocketAddress bindAddress, Path resultsDir,
      Duration heartbeatInterval, Duration heartbeatTimeout, ServerOptions serverOptions) {
    this(bindAddress, resultsDir, heartbeatInterval, heartbeatTimeout, serverOptions,
        Optional.empty());
  }

  /** These settings, taking results for commits no runner had when {@code accept}. */
  public DispatcherSettings withAcceptUnassignedResults(boolean accept) {
    return new DispatcherSettings(bindAddress, resultsDir, heartbeatInterval, heartbeatTimeout,
        serverOptions, signer, accept, resultTimeout);
  }

  /** These settings with another {@link #resultTimeout}. */
  public DispatcherSettings withResultTimeout(Duration timeout) {
    return new DispatcherSettings(bindAddress, resultsDir, heartbeatInterval, heartbeatTimeout,
        serverOptions, signer, acceptUnassignedResults, timeout);
  }
}
