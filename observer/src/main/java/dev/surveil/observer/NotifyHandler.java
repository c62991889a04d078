package dev.surveil.observer;

import dev.surveil.net.MessageHandler;
import dev.surveil.protocol.Notify;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Request;
import dev.surveil.protocol.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the observer answers on its notify port: {@code notify} asks for a poll now and is
 * answered {@code OK} at once, without waiting for the poll; {@code status} is answered
 * {@code OK}; anything else {@code Invalid command}. Thread-safe if {@code pollNow} is.
 */
final class NotifyHandler implements MessageHandler {
  private static final Logger log = LoggerFactory.getLogger(NotifyHandler.class);

  private final Runnable pollNow;

  /** @param pollNow asks for a poll and returns at once */
  NotifyHandler(Runnable pollNow) {
    this.pollNow = pollNow;
  }

  @Override
  public Reply handle(Request request) {
    if (request instanceof Notify) {
      log.debug("notify received; polling now");
      pollNow.run();
      return Reply.OK;
    }
    if (request instanceof Status) {
      return Reply.OK;
    }
    return Reply.INVALID_COMMAND;
  }
}
