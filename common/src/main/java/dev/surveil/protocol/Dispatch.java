package dev.surveil.protocol;

import java.util.Objects;

/** {@code dispatch:<commit>}: the observer asks for a commit to be tested. */
public record Dispatch(CommitId commit) implements Request {
  public Dispatch {
    Objects.requireNonNull(commit, "commit");
  }

  @Override
  public Command command() {
    return Command.DISPATCH;
  }
}
