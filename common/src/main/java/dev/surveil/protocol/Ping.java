package dev.surveil.protocol;

/** {@code ping}: the dispatcher's heartbeat to a runner. Reply: {@code pong}. */
public record Ping() implements Request {
  @Override
  public Command command() {
    return Command.PING;
  }
}
