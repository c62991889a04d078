package dev.surveil.protocol;

import java.util.Objects;

/**
 * {@code claim:<commit>:<host>:<port>}: a runner, about to test a commit it was offered, asks
 * the dispatcher whether the commit is still its own (the runner registered as
 * {@code <host>:<port>}, {@link Register}'s rules). Reply: {@code OK} to go ahead,
 * {@code Not assigned} if the dispatcher gave the commit to another runner meanwhile (the runner
 * was frozen past the offer's timeout). Not in the chapter: its dispatcher answers
 * {@code Invalid command}, and the runner tests the commit as it always has. Immutable.
 */
public record Claim(CommitId commit, HostAndPort runner) implements Request {
  public Claim {
    Objects.requireNonNull(commit, "commit");
    new Register(runner); // the same host and port rules
  }

  @Override
  public Command command() {
    return Command.CLAIM;
  }
}
