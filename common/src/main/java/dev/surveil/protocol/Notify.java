package dev.surveil.protocol;

/**
 * {@code notify}: a repository hook telling the observer that new commits are there, so it polls
 * now instead of waiting for its next poll. Reply: {@code OK}.
 */
public record Notify() implements Request {
  @Override
  public Command command() {
    return Command.NOTIFY;
  }
}
