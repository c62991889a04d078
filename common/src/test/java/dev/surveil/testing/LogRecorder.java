package dev.surveil.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * Records the log events of one logger (e.g. {@code dev.surveil.dispatcher}) at INFO and above,
 * so tests can check the lines people and other programs read; close it to detach it and restore
 * the level. Thread-safe.
 */
public final class LogRecorder extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private final Queue<ILoggingEvent> events = new ConcurrentLinkedQueue<>();
  private final Logger logger;
  private final Level previousLevel;

  private LogRecorder(String loggerName) {
    logger = (Logger) LoggerFactory.getLogger(loggerName);
    previousLevel = logger.getLevel();
  }

  /** Starts recording the events of {@code loggerName} and the loggers below it. */
  public static LogRecorder record(String loggerName) {
    LogRecorder recorder = new LogRecorder(loggerName);
    recorder.setContext(recorder.logger.getLoggerContext());
    recorder.setName("test-recorder-" + loggerName);
    recorder.start();
    recorder.logger.setLevel(Level.INFO);
    recorder.logger.addAppender(recorder);
    return recorder;
  }

  @Override
  protected void append(ILoggingEvent event) {
    events.add(event);
  }

  /** The formatted messages logged at {@code level}, oldest first. */
  public List<String> messages(Level level) {
    return events.stream().filter(event -> event.getLevel() == level)
        .map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
  }

  /** The formatted messages at any level that start with {@code prefix}, oldest first. */
  public List<String> messagesStartingWith(String prefix) {
    return events.stream().map(ILoggingEvent::getFormattedMessage)
        .filter(message -> message.startsWith(prefix)).collect(Collectors.toList());
  }

  @Override
  public void close() {
    logger.detachAppender(this);
    logger.setLevel(previousLevel);
    stop();
  }
}
