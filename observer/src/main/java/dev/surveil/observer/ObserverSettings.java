package dev.surveil.observer;

import dev.surveil.auth.Secret;
import dev.surveil.protocol.HostAndPort;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How an observer is set up, fixed before it starts: built by {@link ObserverCommand} from its
 * options, or by a test, and given to {@link ObserverService#open}. Immutable.
 *
 * @param repository the observer's own clone of the watched repository
 * @param dispatcher the dispatcher's address
 * @param pollInterval the time between two polls; the service refuses less than 1 ms
 * @param latestOnly whether a poll dispatches only the newest commit, as the chapter's
 *     observer does, instead of every new commit
 * @param notifyAddress where to listen for {@code notify}, if anywhere
 * @param secret if present, the requests to the dispatcher are signed with it and the notify
 *     server refuses every request that is not; if empty, nothing is authenticated
 */
public record ObserverSettings(Path repository, HostAndPort dispatcher, Duration pollInterval,
    boolean latestOnly, Optional<InetSocketAddress> notifyAddress, Optional<Secret> secret) {

  /** Settings without a notify address and without a secret. */
  public ObserverSettings(Path repository, HostAndPort dispatcher, Duration pollInterval,
      boolean latestOnly) {
    this(repository, dispatcher, pollInterval, latestOnly, Optional.empty(), Optional.empty());
  }

  public ObserverSettings {
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(dispatcher, "dispatcher");
    Objects.requireNonNull(notifyAddress, "notifyAddress");
    Objects.requireNonNull(secret, "secret");
  }
}
