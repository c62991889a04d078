package dev.surveil.runner;

import dev.surveil.protocol.CommitId;

/**
 * What the runner asks, on its {@code runner-test} thread, before it tests a commit it accepted:
 * whether the commit is still its own. A runner frozen past the dispatcher's {@code runtest}
 * timeout (SIGSTOP, a long VM pause) reads the offer only when it wakes, after the dispatcher gave
 * the commit to another runner; it must not test it then. Implementations are thread-safe.
 */
@FunctionalInterface
interface OfferCheck {
  /** Tests every commit: for a dispatcher that cannot be asked. */
  OfferCheck ALWAYS = commit -> true;

  /** Whether to test {@code commit}; false if the dispatcher says it is not this runner's. */
  boolean stillOffered(CommitId commit);
}
