package dev.surveil.protocol;

import java.util.Objects;

/**
 * {@code runtest:<commit>}: the dispatcher asks a runner to test a commit. Reply: {@code OK} or
 * {@code BUSY}.
 */
public record RunTest(CommitId commit) implements Request {
  public RunTest {
    Objects.requireNonNull(commit, "commit");
  }

  @Override
  public Command command() {
    return Command.RUNTEST;
  }
}
