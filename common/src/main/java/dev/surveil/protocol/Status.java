package dev.surveil.protocol;

/** {@code status}: observer asks the dispatcher whether it is up. Reply: {@code OK}. */
public record Status() implements Request {
  @Override
  public Command command() {
    return Command.STATUS;
  }
}
