package dev.surveil.runner;

import dev.surveil.protocol.Claim;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Register;
import dev.surveil.protocol.Reply;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the dispatcher with {@code claim:<commit>:<host>:<port>} whether a commit the runner
 * accepted is still its own, before the runner tests it. {@code Not assigned} means the dispatcher
 * gave it to another runner meanwhile (this one answered the offer too late): the commit is not
 * tested. Any other answer, or none, means test it, as a runner always has: {@code OK};
 * {@code Invalid command} from a dispatcher that does not know {@code claim} (the chapter's);
 * an unreachable dispatcher, which may still expect the result. Thread-safe.
 */
final class DispatcherClaims implements OfferCheck {
  private static final Logger log = LoggerFactory.getLogger(DispatcherClaims.class);

  private final DispatcherClient dispatcher;
  private volatile Register self; // null until the runner listens

  DispatcherClaims(DispatcherClient dispatcher) {
    this.dispatcher = dispatcher;
  }

  /** The address this runner registers with; claims name it. */
  void registeredAs(Register registration) {
    this.self = registration;
  }

  @Override
  public boolean stillOffered(CommitId commit) {
    Register registration = self;
    if (registration == null) {
      return true;
    }
    Reply reply;
    try {
      reply = dispatcher.send(new Claim(commit, registration.runner()));
    } catch (IOException e) {
      log.info("cannot confirm commit {} with dispatcher {} ({}); testing it", commit,
          dispatcher.address(), e.getMessage() == null ? e.toString() : e.getMessage());
      return true;
    }
    if (reply == Reply.NOT_ASSIGNED) {
      log.warn("not testing commit {}: dispatcher {} gave it to another runner (this runner"
          + " took the offer too late)", commit, dispatcher.address());
      return false;
    }
    if (reply != Reply.OK) {
      log.debug("dispatcher {} answered '{}' to claim; testing commit {}", dispatcher.address(),
          reply.text(), commit);
    }
    return true;
  }
}
