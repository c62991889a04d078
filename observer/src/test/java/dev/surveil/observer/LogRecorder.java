package dev.surveil.observer;

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
 * Records the log events of the {@code dev.surveil.observer} package at INFO (or a chosen level)
 * and above, so tests can check the lines that people and other programs read. Thread-safe.
 */
final class LogRecorder extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private final Queue<ILoggingEvent> events = new ConcurrentLinkedQueue<>();
  private final Logger logger;
  private final Level previousLevel;

  private LogRecorder() {
    logger = (Logger) LoggerFactory.getLogger("dev.surveil.observer");
    previousLevel = logger.getLevel();
  }

  static LogRecorder record() {
    return record(Level.INFO);
  }

  /** Records the events at {@code level} and above. */
  static LogRecorder record(Level level) {
    LogRecorder recorder = new LogRecorder();
    recorder.setContext(recorder.logger.getLoggerContext());
    recorder.setName("test-recorder");
    recorder.start();
    recorder.logger.setLevel(level);
    recorder.logger.addAppender(recorder);
    return recorder;
  }

  @Override
  protected void append(ILoggingEvent event) {
    events.add(event);
  }

  /** The formatted messages logged at {@code level}, oldest first. */
  List<String> messages(Level level) {
    return events.stream().filter(event -> event.getLevel() == level)
        .map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
  }

  @Override
  public void close() {
    logger.detachAppender(this);
    logger.setLevel(previousLevel);
    stop();
  }
}
